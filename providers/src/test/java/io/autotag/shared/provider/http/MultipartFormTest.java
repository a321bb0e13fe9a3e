package io.autotag.shared.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MultipartFormTest {

  private static byte[] bytes(Object... pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object piece : pieces) {
      byte[] b =
          piece instanceof byte[] raw ? raw : ((String) piece).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  @Test
  void parsesFieldsAndFilesAsCurlSendsThem() throws Exception {
    String boundary = "------------------------4a1b2c3d4e5f6789";
    byte[] body =
        bytes(
            "--" + boundary + "\r\n",
            "Content-Disposition: form-data; name=\"modelId\"\r\n\r\n",
            "GeneralImageClassifier\r\n",
            "--" + boundary + "\r\n",
            "Content-Disposition: form-data; name=\"sampleContent\"; filename=\"photo.jpg\"\r\n",
            "Content-Type: image/jpeg\r\n\r\n",
            new byte[] {(byte) 0xFF, (byte) 0xD8, 0x00, 0x01},
            "\r\n--" + boundary + "--\r\n");
    MultipartForm form = MultipartForm.parse(body, boundary);
    assertThat(form.parts()).hasSize(2);
    assertThat(form.text("modelId")).contains("GeneralImageClassifier");
    MultipartForm.Part file = form.part("sampleContent").orElseThrow();
    assertThat(file.filename()).isEqualTo("photo.jpg");
    assertThat(file.contentType()).isEqualTo("image/jpeg");
    assertThat(file.content()).containsExactly(0xFF, 0xD8, 0x00, 0x01);
  }

  @Test
  void keepsBinaryContentThatLooksLikeFraming() throws Exception {
    // CRLF, dashes and the boundary text without its leading CRLF-- are all content.
    byte[] tricky = bytes("\r\n-- b\r\n--", new byte[] {0, (byte) 0xFF, '\r'}, "b--\r\n\r\n");
    byte[] body =
        bytes(
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n\r\n",
            tricky,
            "\r\n--b--");
    MultipartForm form = MultipartForm.parse(body, "b");
    assertThat(form.part("file").orElseThrow().content()).isEqualTo(tricky);
  }

  @Test
  void handlesQuotedAndEscapedNamesAndHeaderCase() throws Exception {
    byte[] body =
        bytes(
            "--xyz\r\n",
            "content-disposition: FORM-DATA; filename=\"a \\\"quoted\\\"; name.png\"; name=\"file\"\r\n",
            "CONTENT-TYPE: image/png\r\n\r\n",
            "data",
            "\r\n--xyz--\r\n");
    MultipartForm.Part part = MultipartForm.parse(body, "xyz").part("file").orElseThrow();
    assertThat(part.filename()).isEqualTo("a \"quoted\"; name.png");
    assertThat(part.contentType()).isEqualTo("image/png");
    assertThat(part.text()).isEqualTo("data");
  }

  @Test
  void ignoresPreambleEpilogueAndTransportPadding() throws Exception {
    byte[] body =
        bytes(
            "This is the preamble.\r\n",
            "--b  \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n",
            "--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n",
            "--b--\r\nepilogue, ignored");
    MultipartForm form = MultipartForm.parse(body, "b");
    assertThat(form.text("a")).contains("1");
    assertThat(form.part("empty").orElseThrow().content()).isEmpty();
    assertThat(form.text("empty")).isEqualTo(Optional.empty());
  }

  @Test
  void aBodyWithoutItsFinalBoundaryIsMalformed() {
    byte[] body = bytes("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n");
    assertThatThrownBy(() -> MultipartForm.parse(body, "b"))
        .isInstanceOf(MultipartForm.MalformedMultipartException.class)
        .hasMessageContaining("final boundary");
    byte[] noClose = bytes("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b");
    assertThatThrownBy(() -> MultipartForm.parse(noClose, "b"))
        .isInstanceOf(MultipartForm.MalformedMultipartException.class);
  }

  @Test
  void otherMalformedBodies() {
    assertThatThrownBy(() -> MultipartForm.parse(bytes("no boundary here"), "b"))
        .isInstanceOf(MultipartForm.MalformedMultipartException.class);
    assertThatThrownBy(
            () ->
                MultipartForm.parse(
                    bytes("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"), "b"))
        .hasMessageContaining("disposition");
    assertThatThrownBy(
            () ->
                MultipartForm.parse(
                    bytes("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"), "b"))
        .hasMessageContaining("name");
    assertThatThrownBy(
            () -> MultipartForm.parse(bytes("--b\r\nnot a header\r\n\r\nx\r\n--b--"), "b"))
        .hasMessageContaining("header");
    assertThatThrownBy(() -> MultipartForm.parse(bytes("--b--"), "")).isNotNull();
    assertThatThrownBy(() -> MultipartForm.parse(bytes("--b--"), "b".repeat(71)))
        .hasMessageContaining("boundary");
  }

  @Test
  void refusesTooManyParts() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i <= MultipartForm.MAX_PARTS; i++) {
      body.append("--b\r\nContent-Disposition: form-data; name=\"f")
          .append(i)
          .append("\"\r\n\r\nx\r\n");
    }
    body.append("--b--");
    assertThatThrownBy(() -> MultipartForm.parse(bytes(body.toString()), "b"))
        .hasMessageContaining("too many parts");
  }

  @Test
  void readsTheBoundaryFromAQuotedContentType() {
    assertThat(HeaderParameters.find("multipart/form-data; boundary=\"a b;c\"", "boundary"))
        .contains("a b;c");
    assertThat(HeaderParameters.find("multipart/form-data;Boundary=abc ; charset=x", "boundary"))
        .contains("abc");
    assertThat(HeaderParameters.find("multipart/form-data", "boundary")).isEmpty();
  }
}
