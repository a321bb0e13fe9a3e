package io.autotag.api;

import static io.autotag.api.TestApi.env;
import static io.autotag.api.TestApi.handler;
import static io.autotag.api.TestApi.invoke;
import static io.autotag.api.TestApi.v2;
import static io.autotag.api.TestApi.withKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.testing.CapturedLogs;
import io.autotag.shared.testing.FakeClassifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How failed requests are logged: what the caller caused (a bad or slow image URL, a bad request)
 * at INFO without a stack trace, so no caller can fill the error log; a dependency that is busy at
 * WARN with its cause; what is ours to fix (S3 failing, a bug) at ERROR with the cause attached.
 */
class FailureLoggingIT {

  private final FakeClassifier scripted = TestApi.scripted("scripted");
  private CapturedLogs logs;
  private HttpServer slowImages;

  @BeforeEach
  void start() throws IOException {
    logs = CapturedLogs.of(ErrorMapper.class);
    slowImages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    slowImages.createContext(
        "/",
        exchange -> {
          try {
            Thread.sleep(3000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    slowImages.start();
  }

  @AfterEach
  void stop() {
    logs.close();
    slowImages.stop(0);
  }

  private static JsonNode classifyJson(ApiHandler handler, String body) {
    return invoke(
        handler,
        v2(
            "POST",
            "/classify",
            "",
            withKey("content-type", "application/json"),
            body.getBytes(StandardCharsets.UTF_8),
            false));
  }

  private CapturedLogs.Line onlyLine() {
    List<CapturedLogs.Line> lines = logs.lines();
    assertThat(lines).hasSize(1);
    return lines.getFirst();
  }

  @Test
  void aSlowImageUrlIsTheCallersDoingInfoWithoutAStackTrace() {
    String endpoint = "127.0.0.1:" + slowImages.getAddress().getPort();
    ApiHandler handler =
        handler(
            env(
                "AUTOTAG_FETCH_ALLOWED_ENDPOINTS",
                endpoint,
                "AUTOTAG_FETCH_READ_TIMEOUT_MS",
                "300"),
            scripted);
    JsonNode response =
        classifyJson(
            handler, "{\"image\":{\"type\":\"url\",\"value\":\"http://" + endpoint + "/a.jpg\"}}");
    assertThat(response.path("statusCode").asInt()).isEqualTo(504);
    CapturedLogs.Line line = onlyLine();
    assertThat(line.level()).isEqualTo("INFO");
    assertThat(line.hasStackTrace()).isFalse();
    assertThat(line.fields()).containsEntry("code", "image-url-timeout");
  }

  @Test
  void badUrlsAndBadRequestsAreInfoWithoutAStackTrace() {
    ApiHandler handler = handler(env(), scripted);
    classifyJson(handler, "{\"image\":{\"type\":\"url\",\"value\":\"ftp://example.com/a.jpg\"}}");
    classifyJson(handler, "{\"image\":{\"type\":\"url\",\"value\":\"http://10.1.2.3/a.jpg\"}}");
    classifyJson(handler, "{\"image\": 1} trailing");
    assertThat(logs.lines()).hasSize(3);
    assertThat(logs.lines())
        .allSatisfy(
            line -> {
              assertThat(line.level()).isEqualTo("INFO");
              assertThat(line.hasStackTrace()).isFalse();
            });
  }

  @Test
  void s3FailingIsAnErrorLoggedWithItsCause() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort(); // nothing listens here once the socket is closed
    }
    ApiHandler handler =
        handler(
            env(
                "AUTOTAG_API_S3_BUCKETS",
                "photos",
                "AWS_ENDPOINT_URL_S3",
                "http://127.0.0.1:" + closed),
            scripted);
    JsonNode response =
        classifyJson(handler, "{\"image\":{\"type\":\"s3\",\"value\":\"s3://photos/a.jpg\"}}");
    assertThat(response.path("statusCode").asInt()).isEqualTo(502);
    CapturedLogs.Line line = onlyLine();
    assertThat(line.level()).isEqualTo("ERROR");
    assertThat(line.fields()).containsEntry("code", "s3-unavailable");
    // The SDK's own exception, not the API's 502 wrapper that says nothing
    assertThat(line.throwable())
        .isEqualTo("software.amazon.awssdk.core.exception.SdkClientException");
  }

  @Test
  void aBusyProviderIsAWarningWithItsCauseButNoStackTrace() {
    scripted.failing(new ClassificationException(FailureReason.THROTTLED, "roboflow: HTTP 429"));
    ApiHandler handler = handler(env(), scripted);
    JsonNode response = invoke(handler, TestApi.sampleEvent("api-classify-json-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(503);
    CapturedLogs.Line line = onlyLine();
    assertThat(line.level()).isEqualTo("WARN");
    assertThat(line.hasStackTrace()).isFalse();
    assertThat(line.fields().get("cause")).contains("roboflow: HTTP 429");
  }

  @Test
  void aBugIsAnErrorWithItsStackTrace() {
    scripted.failing(new IllegalStateException("boom"));
    ApiHandler handler = handler(env(), scripted);
    JsonNode response = invoke(handler, TestApi.sampleEvent("api-classify-json-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(500);
    CapturedLogs.Line line = onlyLine();
    assertThat(line.level()).isEqualTo("ERROR");
    assertThat(line.throwable()).isEqualTo("java.lang.IllegalStateException");
  }
}
