package io.autotag.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payload 2.0 event {@link LocalApiServer} makes of a real HTTP request, as API Gateway would:
 * seen by a handler that answers with the event it got.
 */
class LocalApiServerEventsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalApiServer server;

  @BeforeAll
  static void start() throws Exception {
    RequestStreamHandler echo =
        (input, output, context) -> {
          JsonNode event = JSON.readTree(input);
          String body =
              JSON.createObjectNode()
                  .put("statusCode", 200)
                  .put("body", event.toString())
                  .toString();
          output.write(body.getBytes(StandardCharsets.UTF_8));
        };
    server =
        LocalApiServer.start(echo, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aJsonRequestArrivesAsTextWithItsHeadersCookiesAndQuery() throws Exception {
    JsonNode event =
        send(
            HttpRequest.newBuilder(
                    server.baseUri().resolve("/classify/x%20y?top=3&a=1&a=2&q=%C3%BC"))
                .header("Content-Type", "application/json")
                .header("X-Api-Key", "secret")
                .header("Cookie", "one=1; two=2")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\":1}")));

    assertThat(event.path("version").asText()).isEqualTo("2.0");
    assertThat(event.path("routeKey").asText()).isEqualTo("$default");
    assertThat(event.path("rawPath").asText()).isEqualTo("/classify/x%20y");
    assertThat(event.path("rawQueryString").asText()).isEqualTo("top=3&a=1&a=2&q=%C3%BC");
    assertThat(event.path("queryStringParameters").path("a").asText()).isEqualTo("1,2");
    assertThat(event.path("queryStringParameters").path("q").asText()).isEqualTo("ü");
    assertThat(event.path("headers").path("x-api-key").asText()).isEqualTo("secret");
    assertThat(event.path("headers").has("cookie")).isFalse();
    assertThat(event.path("cookies"))
        .extracting(JsonNode::asText)
        .containsExactly("one=1", "two=2");
    assertThat(event.path("body").asText()).isEqualTo("{\"image\":1}");
    assertThat(event.path("isBase64Encoded").asBoolean()).isFalse();
    JsonNode context = event.path("requestContext");
    assertThat(context.path("http").path("method").asText()).isEqualTo("POST");
    assertThat(context.path("http").path("path").asText()).isEqualTo("/classify/x%20y");
    assertThat(context.path("http").path("sourceIp").asText()).isEqualTo("127.0.0.1");
    assertThat(context.path("http").path("protocol").asText()).startsWith("HTTP/1.1");
    assertThat(context.path("requestId").asText()).hasSize(36);
    assertThat(context.path("stage").asText()).isEqualTo("$default");
    assertThat(context.path("apiId").asText()).isEqualTo("local");
    assertThat(context.path("timeEpoch").asLong()).isPositive();
  }

  @Test
  void aBinaryBodyIsBase64EncodedAndNoBodyIsNone() throws Exception {
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2};
    JsonNode binary =
        send(
            HttpRequest.newBuilder(server.baseUri().resolve("/classify"))
                .header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)));
    JsonNode empty = send(HttpRequest.newBuilder(server.baseUri().resolve("/health")).GET());

    assertThat(binary.path("isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(binary.path("body").asText())).isEqualTo(jpeg);
    assertThat(empty.has("body")).isFalse();
    assertThat(empty.path("isBase64Encoded").isBoolean()).isTrue();
    assertThat(empty.path("isBase64Encoded").asBoolean()).isFalse();
    assertThat(empty.path("rawQueryString").asText()).isEmpty();
    assertThat(empty.has("queryStringParameters")).isFalse();
  }

  private static JsonNode send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
