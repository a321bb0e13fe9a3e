package io.autotag.shared.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartTest {

  @Test
  void fieldsAndFilesRoundTripThroughAStrictParser() throws Exception {
    byte[] image = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 1, 2};
    Multipart body =
        Multipart.builder()
            .field("modelId", "GeneralImageClassifier")
            .field("note", "é ünïcode\r\nline two")
            .file("sampleContent", "cat.png", "image/png", image)
            .build();

    MultipartForm form = parse(body);

    assertThat(form.part("modelId").orElseThrow().text()).isEqualTo("GeneralImageClassifier");
    assertThat(form.part("note").orElseThrow().text()).isEqualTo("é ünïcode\r\nline two");
    MultipartForm.Part file = form.part("sampleContent").orElseThrow();
    assertThat(file.content()).isEqualTo(image);
    assertThat(file.filename()).isEqualTo("cat.png");
    assertThat(file.contentType()).isEqualTo("image/png");
  }

  @Test
  void theLayoutUsesCrlfAndACloseDelimiter() {
    String body =
        new String(
            Multipart.builder("b0und").field("a", "1").build().toByteArray(),
            StandardCharsets.UTF_8);
    assertThat(body)
        .isEqualTo(
            "--b0und\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b0und--\r\n");
  }

  @Test
  void namesCannotBreakOutOfTheirHeader() throws Exception {
    Multipart body =
        Multipart.builder()
            .file("f", "evil\"\r\nX-Injected: 1.png", "image/png", new byte[] {1})
            .build();
    String text = new String(body.toByteArray(), StandardCharsets.UTF_8);
    assertThat(text)
        .doesNotContain("\r\nX-Injected")
        .contains("filename=\"evil%22%0D%0AX-Injected: 1.png\"");
    assertThat(parse(body).part("f")).isPresent();
  }

  /** Parses with the boundary the Content-Type declares, as a receiver does. */
  private static MultipartForm parse(Multipart body) throws Exception {
    assertThat(body.contentType()).startsWith("multipart/form-data;");
    return MultipartForm.parse(
        body.toByteArray(), HeaderParameters.find(body.contentType(), "boundary").orElseThrow());
  }

  @Test
  void eachBodyGetsItsOwnBoundary() {
    assertThat(Multipart.builder().build().boundary())
        .isNotEqualTo(Multipart.builder().build().boundary());
  }
}
