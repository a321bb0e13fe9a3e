package io.autotag.api;

import static io.autotag.api.TestApi.body;
import static io.autotag.api.TestApi.env;
import static io.autotag.api.TestApi.handler;
import static io.autotag.api.TestApi.invoke;
import static io.autotag.api.TestApi.v2;
import static io.autotag.api.TestApi.withKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.testing.FakeClassifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Requests are read strictly and only after the caller is authenticated: JSON with a duplicated key
 * or trailing content is refused rather than read one way or another, and a caller without a valid
 * key gets 401 before anything is said about the body, on every route.
 */
class StrictRequestsTest {

  private final FakeClassifier scripted = TestApi.scripted("scripted");
  private final ApiHandler handler = handler(env(), scripted);

  private static final String IMAGE =
      "{\"type\":\"base64\",\"value\":\""
          + Base64.getEncoder().encodeToString(TestApi.png(2, 2))
          + "\"}";

  private JsonNode post(String path, Map<String, String> headers, String body) {
    return invoke(
        handler, v2("POST", path, "", headers, body.getBytes(StandardCharsets.UTF_8), false));
  }

  @Test
  void jsonWithTrailingContentIsRefused() {
    JsonNode classify =
        post(
            "/classify",
            withKey("content-type", "application/json"),
            "{\"image\":" + IMAGE + "} {\"image\": 1}");
    assertThat(classify.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(classify).path("error").path("code").asText()).isEqualTo("malformed-json");
    JsonNode garbage =
        post(
            "/classify", withKey("content-type", "application/json"), "{\"image\":" + IMAGE + "}x");
    assertThat(garbage.path("statusCode").asInt()).isEqualTo(400);
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void jsonWithADuplicatedKeyIsRefused() {
    JsonNode classify =
        post(
            "/classify",
            withKey("content-type", "application/json"),
            "{\"image\":" + IMAGE + ",\"threshold\":0.1,\"threshold\":0.9}");
    assertThat(classify.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(classify).path("error").path("code").asText()).isEqualTo("malformed-json");
    JsonNode nested =
        post(
            "/classify",
            withKey("content-type", "application/json"),
            "{\"image\":{\"type\":\"url\",\"type\":\"base64\",\"value\":\"x\"}}");
    assertThat(nested.path("statusCode").asInt()).isEqualTo(400);
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void everyRouteAuthenticatesBeforeReadingTheBody() {
    Map<String, String> json = Map.of("content-type", "application/json");
    Map<String, String> wrongKey =
        Map.of("content-type", "application/json", "authorization", "Bearer wrong");
    for (String path : new String[] {"/classify", "/infer/classification", "/my-dataset/3"}) {
      for (Map<String, String> headers : List.of(json, wrongKey)) {
        JsonNode response = post(path, headers, "{\"image\": ");
        assertThat(response.path("statusCode").asInt()).as(path + " " + headers).isEqualTo(401);
      }
    }
    JsonNode einstein =
        post(
            "/v2/vision/predict",
            Map.of("content-type", "multipart/form-data; boundary=b"),
            "--b\r\nnot a part");
    assertThat(einstein.path("statusCode").asInt()).isEqualTo(401);
    // A key in a body that cannot be read is no key at all.
    JsonNode keyInBrokenBody =
        post("/infer/classification", json, "{\"api_key\":\"" + TestApi.KEY + "\", \"image\": ");
    assertThat(keyInBrokenBody.path("statusCode").asInt()).isEqualTo(401);
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void anAuthenticatedCallerLearnsWhatIsWrongWithTheBody() {
    JsonNode infer =
        post("/infer/classification", withKey("content-type", "application/json"), "{\"image\": ");
    assertThat(infer.path("statusCode").asInt()).isBetween(400, 422);
    JsonNode classify = post("/classify", withKey("content-type", "application/json"), "{");
    assertThat(classify.path("statusCode").asInt()).isEqualTo(400);
  }
}
