package io.autotag.api;

import static io.autotag.api.TestApi.body;
import static io.autotag.api.TestApi.env;
import static io.autotag.api.TestApi.handler;
import static io.autotag.api.TestApi.invoke;
import static io.autotag.api.TestApi.v2;
import static io.autotag.api.TestApi.withKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.Label;
import io.autotag.shared.testing.FakeClassifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * autotag's Roboflow routes against what Roboflow's own server code does, case by case, from the
 * corpus in {@code src/test/resources/roboflow} (produced by running Roboflow's pydantic models,
 * its legacy route's parameter handling and its classification post-processing; see the README
 * there): the same requests accepted, the same 422 items for the others, and the same answer, field
 * for field ({@code class_id}, rounding, confidence filtering, {@code top}, {@code
 * predicted_classes}), plus the {@code inference_id}, {@code time} and {@code image} every answer
 * carries.
 */
class RoboflowContractTest {

  private static final JsonNode CORPUS = load();
  private static final byte[] PNG = TestApi.png(64, 48);
  private static final String BASE64 = Base64.getEncoder().encodeToString(PNG);

  /** Valid to pydantic, refused by what the server does next: the status autotag answers. */
  private static final Map<String, Integer> REFUSED_AFTER_VALIDATION =
      Map.of("null model id", 400, "image value missing", 400);

  private final FakeClassifier scripted = TestApi.scripted("scripted");
  private final ApiHandler handler = handler(env(), scripted);

  private static JsonNode load() {
    try (InputStream in =
        RoboflowContractTest.class.getResourceAsStream("/roboflow/contract-corpus.json")) {
      return TestApi.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode infer(String body) {
    return invoke(
        handler,
        v2(
            "POST",
            "/infer/classification",
            "",
            withKey("content-type", "application/json"),
            body.getBytes(StandardCharsets.UTF_8),
            false));
  }

  private static List<JsonNode> withoutInput(JsonNode detail) {
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode item : detail) {
      ObjectNode copy = TestApi.JSON.createObjectNode();
      copy.set("type", item.get("type"));
      copy.set("loc", item.get("loc"));
      copy.set("msg", item.get("msg"));
      items.add(copy);
    }
    return items;
  }

  @TestFactory
  Stream<DynamicTest> inferRequestsAreAcceptedAndRefusedAsRoboflowsModelDoes() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : CORPUS.path("infer")) {
      tests.add(
          DynamicTest.dynamicTest(
              c.path("name").asText(),
              () -> {
                String body = c.get("body").toString().replace("\"IMAGE\"", "\"" + BASE64 + "\"");
                JsonNode response = infer(body);
                int status = response.path("statusCode").asInt();
                if (c.path("valid").asBoolean()) {
                  int expected =
                      REFUSED_AFTER_VALIDATION.getOrDefault(c.path("name").asText(), 200);
                  assertThat(status).as(response.toString()).isEqualTo(expected);
                } else {
                  assertThat(status).as(response.toString()).isEqualTo(422);
                  assertThat(withoutInput(body(response).path("detail")))
                      .isEqualTo(withoutInput(c.path("detail")));
                }
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> legacyQueriesAreReadAsRoboflowsRouteReadsThem() {
    // A multi-label model whose scores straddle every threshold the cases can produce: which
    // classes are predicted tells which confidence the route used.
    List<Label> classes =
        List.of(
            new Label("c005", 0.005),
            new Label("c02", 0.02),
            new Label("c25", 0.25),
            new Label("c30", 0.30),
            new Label("c41", 0.41),
            new Label("c60", 0.60));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : CORPUS.path("legacyQuery")) {
      tests.add(
          DynamicTest.dynamicTest(
              c.path("name").asText(),
              () -> {
                scripted.classes(classes).multiLabel(true);
                StringBuilder query = new StringBuilder();
                c.path("query")
                    .properties()
                    .forEach(
                        e ->
                            query
                                .append(query.isEmpty() ? "" : "&")
                                .append(e.getKey())
                                .append('=')
                                .append(
                                    URLEncoder.encode(
                                        e.getValue().asText(), StandardCharsets.UTF_8)));
                JsonNode response =
                    invoke(
                        handler,
                        v2(
                            "POST",
                            "/my-dataset/3",
                            query.toString(),
                            withKey("content-type", "application/x-www-form-urlencoded"),
                            BASE64.getBytes(StandardCharsets.US_ASCII),
                            false));
                int status = response.path("statusCode").asInt();
                if (!c.path("valid").asBoolean()) {
                  assertThat(status).as(response.toString()).isEqualTo(422);
                  assertThat(withoutInput(body(response).path("detail")))
                      .isEqualTo(withoutInput(c.path("detail")));
                  return;
                }
                assertThat(status).as(response.toString()).isEqualTo(200);
                JsonNode confidence = c.get("confidence");
                double threshold =
                    confidence == null ? 0.4 : confidence.isNumber() ? confidence.asDouble() : 0.5;
                List<String> expected =
                    classes.stream()
                        .filter(l -> l.confidence() > threshold)
                        .map(Label::name)
                        .toList();
                List<String> predicted = new ArrayList<>();
                body(response).path("predicted_classes").forEach(n -> predicted.add(n.asText()));
                assertThat(predicted).isEqualTo(expected);
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> answersAreWhatRoboflowsPostProcessingWrites() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : CORPUS.path("answers")) {
      tests.add(
          DynamicTest.dynamicTest(
              c.path("name").asText(),
              () -> {
                List<Label> classes = new ArrayList<>();
                for (JsonNode pair : c.path("classes")) {
                  classes.add(new Label(pair.get(0).asText(), pair.get(1).asDouble()));
                }
                scripted.classes(classes).multiLabel(c.path("multiLabel").asBoolean());
                ObjectNode request = TestApi.JSON.createObjectNode();
                request.put("model_id", "my-dataset/3");
                request.putObject("image").put("type", "base64").put("value", BASE64);
                if (!c.path("confidence").isNull()) {
                  request.set("confidence", c.get("confidence"));
                }
                JsonNode response = infer(request.toString());
                assertThat(response.path("statusCode").asInt())
                    .as(response.toString())
                    .isEqualTo(200);
                ObjectNode answer = (ObjectNode) body(response);
                assertThat(answer.path("inference_id").asText()).isEqualTo("req-test");
                assertThat(answer.path("time").isNumber()).isTrue();
                assertThat(answer.path("image"))
                    .isEqualTo(TestApi.JSON.readTree("{\"width\":64,\"height\":48}"));
                answer.remove(List.of("inference_id", "time", "image"));
                assertThat(answer).isEqualTo(c.path("expected"));
              }));
    }
    return tests.stream();
  }
}
