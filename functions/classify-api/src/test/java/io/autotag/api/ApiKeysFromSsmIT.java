package io.autotag.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.autotag.shared.testing.FakeClassifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key hashes held in SSM Parameter Store: fetched on the first authenticated request (never at
 * start-up or while priming, so a SnapStart snapshot holds none), then cached. The SSM stand-in
 * follows the GetParameter JSON 1.1 contract and records what it is asked.
 */
class ApiKeysFromSsmIT {

  private HttpServer ssm;
  private final List<String> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    ssm = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ssm.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = TestApi.JSON.readTree(exchange.getRequestBody());
            asked.add(target + " " + request.path("Name").asText());
            String body =
                "{\"Parameter\":{\"Name\":\"/autotag/api-keys\",\"Type\":\"SecureString\","
                    + "\"Value\":\""
                    + TestApi.KEY_HASH
                    + "\",\"Version\":1}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
          }
        });
    ssm.start();
  }

  @AfterEach
  void stop() {
    ssm.stop(0);
  }

  @Test
  void readsTheHashesOnFirstUseOnlyAndNeverWhilePriming() {
    FakeClassifier classifier = TestApi.scripted("scripted");
    ApiWiring wiring =
        TestApi.wiring(
            TestApi.env(
                "AUTOTAG_API_KEY_HASHES",
                "ssm:/autotag/api-keys",
                "AWS_ENDPOINT_URL_SSM",
                "http://127.0.0.1:" + ssm.getAddress().getPort(),
                // The Einstein token exchange's secrets are references too: never read while
                // priming
                "AUTOTAG_API_EINSTEIN_ACCOUNTS",
                "ssm:/autotag/api/einstein-accounts",
                "AUTOTAG_API_EINSTEIN_TOKEN_KEY",
                "ssm:/autotag/api/einstein-token-key"),
            classifier);
    assertThat(wiring.priming().prime()).isTrue();
    assertThat(classifier.primes()).isEqualTo(1);
    assertThat(classifier.calls()).as("priming classifies nothing through the API").isZero();
    assertThat(asked).as("nothing read at start-up or while priming").isEmpty();

    ApiHandler handler = new ApiHandler(wiring);
    byte[] event = TestApi.sampleEvent("api-classify-json-v2.json");
    assertThat(TestApi.invoke(handler, event).path("statusCode").asInt()).isEqualTo(200);
    assertThat(TestApi.invoke(handler, event).path("statusCode").asInt()).isEqualTo(200);
    var wrongKey =
        TestApi.v2(
            "POST",
            "/classify",
            "",
            Map.of("content-type", "image/png", "x-api-key", "guess"),
            TestApi.png(2, 2),
            true);
    assertThat(TestApi.invoke(handler, wrongKey).path("statusCode").asInt()).isEqualTo(401);
    assertThat(asked).containsExactly("AmazonSSM.GetParameter /autotag/api-keys");
  }
}
