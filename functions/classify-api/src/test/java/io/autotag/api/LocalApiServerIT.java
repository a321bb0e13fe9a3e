package io.autotag.api;

import static io.autotag.api.TestApi.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.autotag.local.LocalApiServer;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.testing.FakeClassifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API through the local HTTP front, driven by real HTTP clients: the JDK client, and {@code
 * curl} commands written as the Roboflow and Einstein documents write them.
 */
class LocalApiServerIT {

  private static final byte[] PHOTO = TestApi.jpeg(40, 30);
  private static final FakeClassifier CLASSIFIER = TestApi.scripted("scripted");
  private static final AtomicInteger INTERNAL_HITS = new AtomicInteger();

  private static HttpServer images;
  private static HttpServer internal;
  private static LocalApiServer api;
  private static String base;
  private static String imageUrl;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    images = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    images.createContext(
        "/photo.jpg",
        exchange -> {
          try (exchange) {
            exchange.getResponseHeaders().add("Content-Type", "image/jpeg");
            exchange.sendResponseHeaders(200, PHOTO.length);
            exchange.getResponseBody().write(PHOTO);
          }
        });
    images.start();
    // Stands for something internal (a metadata service, an admin port) that must stay unreached.
    internal = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    internal.createContext(
        "/",
        exchange -> {
          INTERNAL_HITS.incrementAndGet();
          try (exchange) {
            exchange.sendResponseHeaders(200, PHOTO.length);
            exchange.getResponseBody().write(PHOTO);
          }
        });
    internal.start();
    imageUrl = "http://127.0.0.1:" + images.getAddress().getPort() + "/photo.jpg";

    // Only the image server is reachable, as AUTOTAG_FETCH_ALLOWED_ENDPOINTS documents.
    ApiHandler handler =
        TestApi.handler(
            TestApi.env(
                "AUTOTAG_FETCH_ALLOWED_ENDPOINTS", "127.0.0.1:" + images.getAddress().getPort()),
            CLASSIFIER);
    api = LocalApiServer.start(handler, new InetSocketAddress(loopback, 0), 4);
    base = api.baseUri().toString();
    Files.write(dir.resolve("photo.jpg"), PHOTO);
    Files.writeString(dir.resolve("notes.txt"), "not an image");
  }

  @AfterAll
  static void stop() {
    api.close();
    images.stop(0);
    internal.stop(0);
  }

  @BeforeEach
  void reset() {
    CLASSIFIER.multiLabel(false);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return TestApi.JSON.readTree(response.body());
  }

  private static HttpRequest.Builder post(String path, String contentType, byte[] body) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  // --- JDK HTTP client ------------------------------------------------------------------

  @Test
  void health() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/health")));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void classifyJsonBase64() throws Exception {
    String body =
        "{\"image\":{\"type\":\"base64\",\"value\":\""
            + Base64.getEncoder().encodeToString(PHOTO)
            + "\"},\"topK\":1}";
    HttpResponse<String> response =
        send(
            post("/classify", "application/json", body.getBytes(StandardCharsets.UTF_8))
                .header("Authorization", "Bearer " + KEY));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains("application/json");
    assertThat(response.headers().firstValue("x-request-id")).isPresent();
    JsonNode answer = json(response);
    assertThat(answer.path("labels")).hasSize(1);
    assertThat(answer.path("image").path("format").asText()).isEqualTo("image/jpeg");
    assertThat(answer.path("image").path("bytes").asLong()).isEqualTo(PHOTO.length);
  }

  @Test
  void classifyRawImageBody() throws Exception {
    HttpResponse<String> response =
        send(post("/classify?threshold=0.5", "image/jpeg", PHOTO).header("x-api-key", KEY));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("labels")).hasSize(1);
    assertThat(((ImageInput.Bytes) CLASSIFIER.lastInput()).data()).isEqualTo(PHOTO);
  }

  @Test
  void classifyMultipart() throws Exception {
    String boundary = "jdkBoundary12345";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(PHOTO);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    HttpResponse<String> response =
        send(
            post("/classify", "multipart/form-data; boundary=" + boundary, body.toByteArray())
                .header("Authorization", "Bearer " + KEY));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(((ImageInput.Bytes) CLASSIFIER.lastInput()).data()).isEqualTo(PHOTO);
  }

  @Test
  void classifyUrlFetchesThroughTheSafeFetcher() throws Exception {
    String body = "{\"image\":{\"type\":\"url\",\"value\":\"" + imageUrl + "\"}}";
    HttpResponse<String> response =
        send(
            post("/classify", "application/json", body.getBytes(StandardCharsets.UTF_8))
                .header("x-api-key", KEY));
    assertThat(response.statusCode()).isEqualTo(200);
    ImageInput.Bytes input = (ImageInput.Bytes) CLASSIFIER.lastInput();
    assertThat(input.data()).isEqualTo(PHOTO);
    assertThat(input.format()).contains(ImageFormat.JPEG);
  }

  @Test
  void urlsToOtherInternalEndpointsAreRefused() throws Exception {
    String internalUrl = "http://127.0.0.1:" + internal.getAddress().getPort() + "/latest";
    for (String url : List.of(internalUrl, "http://localhost:" + internal.getAddress().getPort())) {
      String body = "{\"image\":{\"type\":\"url\",\"value\":\"" + url + "\"}}";
      HttpResponse<String> response =
          send(
              post("/classify", "application/json", body.getBytes(StandardCharsets.UTF_8))
                  .header("x-api-key", KEY));
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).path("error").path("code").asText())
          .isEqualTo("image-url-forbidden");
    }
    assertThat(INTERNAL_HITS).hasValue(0);
  }

  @Test
  void oversizedBodies() throws Exception {
    byte[] big = new byte[5_000_000];
    System.arraycopy(PHOTO, 0, big, 0, PHOTO.length);
    HttpResponse<String> inline =
        send(post("/classify", "image/jpeg", big).header("x-api-key", KEY));
    assertThat(inline.statusCode()).isEqualTo(413);
    assertThat(json(inline).path("error").path("code").asText()).isEqualTo("payload-too-large");
    HttpResponse<String> overGateway =
        send(post("/classify", "image/jpeg", new byte[11 * 1024 * 1024]).header("x-api-key", KEY));
    assertThat(overGateway.statusCode()).isEqualTo(413);
  }

  @Test
  void malformedAndUnsupportedBodies() throws Exception {
    HttpResponse<String> json =
        send(
            post("/classify", "application/json", "{\"image\": {".getBytes(StandardCharsets.UTF_8))
                .header("x-api-key", KEY));
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json(json).path("error").path("code").asText()).isEqualTo("malformed-json");
    assertThat(json(json).path("error").path("requestId").asText())
        .isEqualTo(json.headers().firstValue("x-request-id").orElseThrow());

    byte[] unterminated =
        "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"
            .getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> multipart =
        send(
            post("/classify", "multipart/form-data; boundary=b", unterminated)
                .header("x-api-key", KEY));
    assertThat(multipart.statusCode()).isEqualTo(400);
    assertThat(json(multipart).path("error").path("code").asText())
        .isEqualTo("malformed-multipart");

    HttpResponse<String> notImage =
        send(
            post("/classify", "image/png", "<html>".getBytes(StandardCharsets.UTF_8))
                .header("x-api-key", KEY));
    assertThat(notImage.statusCode()).isEqualTo(415);

    HttpResponse<String> wrongMethod =
        send(HttpRequest.newBuilder(URI.create(base + "/classify")).header("x-api-key", KEY));
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
  }

  @Test
  void noKeyNoService() throws Exception {
    HttpResponse<String> response = send(post("/classify", "image/jpeg", PHOTO));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate")).contains("Bearer");
  }

  // --- curl, as the providers' documents write it ----------------------------------------------

  private record CurlResult(int status, String body) {
    JsonNode json() throws IOException {
      return TestApi.JSON.readTree(body);
    }
  }

  private static CurlResult curl(String command) throws Exception {
    assumeThat(Files.isExecutable(Path.of("/usr/bin/curl")) || onPath("curl"))
        .as("curl is installed")
        .isTrue();
    ProcessBuilder builder =
        new ProcessBuilder("sh", "-c", command + " -s -w '\\n%{http_code}'")
            .directory(dir.toFile())
            .redirectErrorStream(false);
    Map<String, String> env = builder.environment();
    env.put("BASE", base);
    env.put("KEY", KEY);
    env.put("IMAGE_URL", imageUrl);
    env.put("IMAGE_URL_ENCODED", URLEncoder.encode(imageUrl, StandardCharsets.UTF_8));
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    int newline = text.lastIndexOf('\n');
    return new CurlResult(
        Integer.parseInt(text.substring(newline + 1).trim()), text.substring(0, newline));
  }

  private static boolean onPath(String tool) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(p, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void curlRoboflowBase64Body() throws Exception {
    // Roboflow: base64 YOUR_IMAGE.jpg | curl -d @-
    // "https://classify.roboflow.com/<dataset>/<v>?api_key=KEY"
    CurlResult result = curl("base64 photo.jpg | curl -d @- \"$BASE/my-dataset/3?api_key=$KEY\"");
    assertThat(result.status()).as(result.body()).isEqualTo(200);
    JsonNode answer = result.json();
    assertThat(answer.path("top").asText()).isEqualTo("cat");
    assertThat(answer.path("image").path("width").asInt()).isEqualTo(40);
    assertThat(answer.path("image").path("height").asInt()).isEqualTo(30);
    assertThat(((ImageInput.Bytes) CLASSIFIER.lastInput()).data()).isEqualTo(PHOTO);
  }

  @Test
  void curlRoboflowBearerAndMultiLabel() throws Exception {
    CLASSIFIER.multiLabel(true);
    CurlResult result =
        curl(
            "base64 photo.jpg | curl -d @- -H \"Authorization: Bearer $KEY\""
                + " \"$BASE/my-dataset/3?confidence=10\"");
    assertThat(result.status()).as(result.body()).isEqualTo(200);
    JsonNode answer = result.json();
    assertThat(answer.path("predictions").isObject()).isTrue();
    assertThat(answer.path("predicted_classes").toString()).isEqualTo("[\"cat\",\"dog\"]");
  }

  @Test
  void curlRoboflowImageUrl() throws Exception {
    // Roboflow: curl -X POST "https://classify.roboflow.com/<dataset>/<v>?api_key=KEY&image=URL"
    CurlResult result =
        curl("curl -X POST \"$BASE/my-dataset/3?api_key=$KEY&image=$IMAGE_URL_ENCODED\"");
    assertThat(result.status()).as(result.body()).isEqualTo(200);
    assertThat(((ImageInput.Bytes) CLASSIFIER.lastInput()).data()).isEqualTo(PHOTO);
  }

  @Test
  void curlRoboflowRefusesTheMetadataService() throws Exception {
    CurlResult result =
        curl(
            "curl -X POST \"$BASE/my-dataset/3?api_key=$KEY&image="
                + "http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F\"");
    assertThat(result.status()).isEqualTo(400);
    // Roboflow's own words for an image it cannot load, with autotag's reason
    assertThat(result.json().path("message").asText())
        .startsWith("Could not load input image. Cause: ");
  }

  @Test
  void curlRoboflowInferenceServerJson() throws Exception {
    Files.writeString(
        dir.resolve("infer.json"),
        "{\"model_id\":\"my-dataset/3\",\"api_key\":\""
            + KEY
            + "\",\"image\":{\"type\":\"url\",\"value\":\""
            + imageUrl
            + "\"}}");
    CurlResult result =
        curl(
            "curl -X POST \"$BASE/infer/classification\" -H 'Content-Type: application/json'"
                + " -d @infer.json");
    assertThat(result.status()).as(result.body()).isEqualTo(200);
    assertThat(result.json().path("inference_id").isTextual()).isTrue();
    assertThat(result.json().path("predictions").get(0).has("class_id")).isTrue();
    assertThat(result.json().has("prediction_type")).isFalse();
  }

  @Test
  void curlEinsteinSampleContent() throws Exception {
    // Einstein: curl -X POST -H "Authorization: Bearer <TOKEN>" -H "Cache-Control: no-cache"
    //   -H "Content-Type: multipart/form-data" -F "sampleContent=@..." -F "modelId=..."
    //   https://api.einstein.ai/v2/vision/predict
    CurlResult result =
        curl(
            "curl -X POST -H \"Authorization: Bearer $KEY\" -H \"Cache-Control: no-cache\""
                + " -H \"Content-Type: multipart/form-data\" -F \"sampleContent=@photo.jpg\""
                + " -F \"modelId=GeneralImageClassifier\" -F \"sampleId=s-1\""
                + " \"$BASE/v2/vision/predict\"");
    assertThat(result.status()).as(result.body()).isEqualTo(200);
    JsonNode answer = result.json();
    assertThat(answer.path("object").asText()).isEqualTo("predictresponse");
    assertThat(answer.path("sampleId").asText()).isEqualTo("s-1");
    assertThat(answer.path("probabilities").get(0).path("label").asText()).isEqualTo("cat");
    assertThat(((ImageInput.Bytes) CLASSIFIER.lastInput()).data()).isEqualTo(PHOTO);
  }

  @Test
  void curlEinsteinSampleLocationAndBase64() throws Exception {
    CurlResult location =
        curl(
            "curl -X POST -H \"Authorization: Bearer $KEY\" -F \"sampleLocation=$IMAGE_URL\""
                + " -F \"modelId=GeneralImageClassifier\" -F \"numResults=1\""
                + " \"$BASE/v2/vision/predict\"");
    assertThat(location.status()).as(location.body()).isEqualTo(200);
    assertThat(location.json().path("probabilities")).hasSize(1);

    CurlResult base64 =
        curl(
            "base64 -w0 photo.jpg > photo.b64 && curl -X POST -H \"Authorization: Bearer $KEY\""
                + " -F \"sampleBase64Content=<photo.b64\" -F \"modelId=GeneralImageClassifier\""
                + " \"$BASE/v2/vision/predict\"");
    assertThat(base64.status()).as(base64.body()).isEqualTo(200);
    assertThat(((ImageInput.Bytes) CLASSIFIER.lastInput()).data()).isEqualTo(PHOTO);
  }

  @Test
  void curlEinsteinErrors() throws Exception {
    CurlResult noToken =
        curl(
            "curl -X POST -F \"sampleContent=@photo.jpg\" -F \"modelId=GeneralImageClassifier\""
                + " \"$BASE/v2/vision/predict\"");
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.json().path("message").asText()).isNotBlank();

    CurlResult two =
        curl(
            "curl -X POST -H \"Authorization: Bearer $KEY\" -F \"sampleContent=@photo.jpg\""
                + " -F \"sampleLocation=$IMAGE_URL\" -F \"modelId=GeneralImageClassifier\""
                + " \"$BASE/v2/vision/predict\"");
    assertThat(two.status()).isEqualTo(400);
    assertThat(two.json().path("message").asText()).contains("exactly one");

    CurlResult notImage =
        curl(
            "curl -X POST -H \"Authorization: Bearer $KEY\" -F \"sampleContent=@notes.txt\""
                + " -F \"modelId=GeneralImageClassifier\" \"$BASE/v2/vision/predict\"");
    assertThat(notImage.status()).isEqualTo(415);
    assertThat(notImage.json().has("error")).isFalse();
  }

  @Test
  void curlClassifyForms() throws Exception {
    CurlResult raw =
        curl(
            "curl -H \"x-api-key: $KEY\" -H 'Content-Type: image/jpeg' --data-binary @photo.jpg"
                + " \"$BASE/classify\"");
    assertThat(raw.status()).as(raw.body()).isEqualTo(200);
    CurlResult form =
        curl("curl -H \"Authorization: Bearer $KEY\" -F file=@photo.jpg \"$BASE/classify\"");
    assertThat(form.status()).as(form.body()).isEqualTo(200);
    assertThat(form.json().path("image").path("format").asText()).isEqualTo("image/jpeg");
  }
}
