package io.autotag.api;

import static io.autotag.api.TestApi.body;
import static io.autotag.api.TestApi.env;
import static io.autotag.api.TestApi.handler;
import static io.autotag.api.TestApi.invoke;
import static io.autotag.api.TestApi.v2;
import static io.autotag.api.TestApi.withKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.testing.FakeClassifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Roboflow routes' behaviour beyond field validation (which {@link RoboflowContractTest} checks
 * against Roboflow's own code): how the legacy route finds the image, model ids as Roboflow takes
 * them, the model registry its SDK reads, and errors in Roboflow's shapes.
 */
class RoboflowRoutesTest {

  private static final byte[] PNG = TestApi.png(8, 6);
  private static final String BASE64 = Base64.getEncoder().encodeToString(PNG);

  private final FakeClassifier scripted = TestApi.scripted("scripted");
  private final FakeClassifier other =
      TestApi.scripted("other").defaultAnswer(new Label("beach", 0.98));
  private final ApiHandler handler = handler(env(), scripted);

  private static JsonNode post(
      ApiHandler h, String path, String query, Map<String, String> headers, byte[] body) {
    return invoke(h, v2("POST", path, query, headers, body, true));
  }

  private static JsonNode inferJson(ApiHandler h, String json) {
    return post(
        h,
        "/infer/classification",
        "",
        withKey("content-type", "application/json"),
        json.getBytes(StandardCharsets.UTF_8));
  }

  private static String inferBody(String modelId) {
    return "{\"model_id\":\""
        + modelId
        + "\",\"image\":{\"type\":\"base64\",\"value\":\""
        + BASE64
        + "\"}}";
  }

  // --- the legacy route -------------------------------------------------------------------

  @Test
  void legacyTakesAMultipartFileUpload() {
    byte[] form =
        ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] end = "\r\n--b--\r\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] body = new byte[form.length + PNG.length + end.length];
    System.arraycopy(form, 0, body, 0, form.length);
    System.arraycopy(PNG, 0, body, form.length, PNG.length);
    System.arraycopy(end, 0, body, form.length + PNG.length, end.length);
    JsonNode response =
        post(
            handler,
            "/my-dataset/3",
            "",
            withKey("content-type", "multipart/form-data; boundary=b"),
            body);
    assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200);
    assertThat(((ImageInput.Bytes) scripted.lastInput()).data()).isEqualTo(PNG);

    byte[] noFile =
        "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    JsonNode missing =
        post(
            handler,
            "/my-dataset/3",
            "",
            withKey("content-type", "multipart/form-data; boundary=b"),
            noFile);
    assertThat(missing.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(missing).path("message").asText()).contains("part named 'file'");
  }

  @Test
  void legacyPrefersTheImageQueryParameterOverABody() {
    // The URL is refused (an internal address): had the body been read, the answer would be 200.
    JsonNode response =
        post(
            handler,
            "/my-dataset/3",
            "image=http%3A%2F%2F10.0.0.1%2Fa.jpg",
            withKey("content-type", "application/x-www-form-urlencoded"),
            BASE64.getBytes(StandardCharsets.US_ASCII));
    assertThat(response.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(response).path("message").asText())
        .startsWith("Could not load input image. Cause: ");
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void legacyTakesGetWithAnImageUrlAndNeedsAContentTypeForABody() {
    JsonNode get =
        invoke(
            handler,
            v2(
                "GET",
                "/my-dataset/3",
                "image=http%3A%2F%2F10.0.0.1%2Fa.jpg",
                withKey(),
                null,
                false));
    assertThat(body(get).path("message").asText()).startsWith("Could not load input image");
    JsonNode noType =
        post(handler, "/my-dataset/3", "", withKey(), BASE64.getBytes(StandardCharsets.US_ASCII));
    assertThat(noType.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(noType).path("message").asText())
        .isEqualTo("Content-Type header not provided with request.");
    // Roboflow's own SDK (v0 mode) posts the base64 body as application/json
    JsonNode sdk =
        post(
            handler,
            "/my-dataset/3",
            "confidence=0.5",
            withKey("content-type", "application/json"),
            BASE64.getBytes(StandardCharsets.US_ASCII));
    assertThat(sdk.path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void legacyRefusesToDrawPredictions() {
    JsonNode response =
        post(
            handler,
            "/my-dataset/3",
            "format=image",
            withKey("content-type", "application/x-www-form-urlencoded"),
            BASE64.getBytes(StandardCharsets.US_ASCII));
    assertThat(response.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(response).path("message").asText()).contains("format=image");
  }

  // --- model ids ------------------------------------------------------------------------

  @Test
  void modelIdsAreAnyNameWithAtMostOneSlash() {
    ApiHandler mapped =
        handler(
            env("AUTOTAG_API_MODELS", "{\"roboflow/yolov8n-640\": \"other\"}"), scripted, other);
    JsonNode alias = inferJson(mapped, inferBody("yolov8n-640"));
    assertThat(alias.path("statusCode").asInt()).isEqualTo(200);
    assertThat(body(alias).path("top").asText()).isEqualTo("beach");
    JsonNode words =
        post(
            mapped,
            "/my-project/v2",
            "",
            withKey("content-type", "text/plain"),
            BASE64.getBytes(StandardCharsets.US_ASCII));
    assertThat(words.path("statusCode").asInt()).as(words.toString()).isEqualTo(200);
    JsonNode tooDeep = inferJson(mapped, inferBody("a/b/c"));
    assertThat(tooDeep.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(tooDeep).path("message").asText())
        .isEqualTo("Invalid Model ID sent in request.");
  }

  @Test
  void theInferenceIdIsTheRequestsIdOrTheOneGiven() {
    JsonNode given =
        inferJson(
            handler,
            "{\"id\":\"client-7\",\"model_id\":\"m/1\",\"image\":[{\"type\":\"base64\",\"value\":\""
                + BASE64
                + "\"},{\"type\":\"base64\",\"value\":\""
                + BASE64
                + "\"}]}");
    assertThat(body(given)).hasSize(2);
    for (JsonNode answer : body(given)) {
      assertThat(answer.path("inference_id").asText()).isEqualTo("client-7");
    }
    JsonNode own = inferJson(handler, inferBody("m/1"));
    assertThat(body(own).path("inference_id").asText()).isEqualTo("req-test");
  }

  @Test
  void multiLabelAnswersListEveryClassTheProviderKnows() {
    scripted
        .classes(List.of(new Label("a", 0.1), new Label("b", 0.9), new Label("c", 0.45)))
        .multiLabel(true);
    JsonNode answer = body(inferJson(handler, inferBody("m/1")));
    assertThat(answer.path("predictions").size()).isEqualTo(3);
    assertThat(answer.path("predictions").path("a").path("class_id").asInt()).isZero();
    assertThat(answer.path("predictions").path("c").path("class_id").asInt()).isEqualTo(2);
    assertThat(answer.path("predicted_classes").toString()).isEqualTo("[\"b\",\"c\"]");
  }

  // --- the registry the SDK's v1 mode reads -------------------------------------------

  @Test
  void theRegistryListsConfiguredModelsAndAddsAnyTheApiAnswersFor() {
    ApiHandler mapped =
        handler(
            env(
                "AUTOTAG_API_MODELS",
                "{\"roboflow/beaches/2\": \"other\", \"einstein/x\": \"other\"}"),
            scripted,
            other);
    JsonNode registry =
        invoke(
            mapped, v2("GET", "/model/registry", "api_key=" + TestApi.KEY, Map.of(), null, false));
    assertThat(registry.path("statusCode").asInt()).isEqualTo(200);
    JsonNode models = body(registry).path("models");
    assertThat(models).hasSize(1);
    assertThat(models.get(0).path("model_id").asText()).isEqualTo("beaches/2");
    assertThat(models.get(0).path("task_type").asText()).isEqualTo("classification");

    JsonNode added =
        post(
            mapped,
            "/model/add",
            "",
            Map.of("content-type", "application/json"),
            ("{\"model_id\":\"flowers/3\",\"api_key\":\"" + TestApi.KEY + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(added.path("statusCode").asInt()).isEqualTo(200);
    assertThat(body(added).path("models").findValuesAsText("model_id"))
        .containsExactly("beaches/2", "flowers/3");

    JsonNode noModel =
        post(
            mapped,
            "/model/add",
            "",
            withKey("content-type", "application/json"),
            "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(noModel.path("statusCode").asInt()).isEqualTo(422);
    assertThat(body(noModel).path("detail").get(0).path("loc").toString())
        .isEqualTo("[\"body\",\"model_id\"]");

    ApiHandler strict =
        handler(
            env(
                "AUTOTAG_API_MODELS",
                "{\"roboflow/beaches/2\": \"other\"}",
                "AUTOTAG_API_MODELS_STRICT",
                "true"),
            scripted,
            other);
    JsonNode unknown =
        post(
            strict,
            "/model/add",
            "",
            withKey("content-type", "application/json"),
            "{\"model_id\":\"flowers/3\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(unknown.path("statusCode").asInt()).isEqualTo(404);

    JsonNode anonymous = invoke(mapped, v2("GET", "/model/registry", "", Map.of(), null, false));
    assertThat(anonymous.path("statusCode").asInt()).isEqualTo(401);
    assertThat(body(anonymous).has("message")).isTrue();
  }

  // --- errors ---------------------------------------------------------------------------

  @Test
  void unreadableJsonIsFastApisJsonInvalidAfterTheKeyIsChecked() {
    JsonNode broken = inferJson(handler, "{\"model_id\": ");
    assertThat(broken.path("statusCode").asInt()).isEqualTo(422);
    assertThat(body(broken).path("detail").get(0).path("type").asText()).isEqualTo("json_invalid");
    JsonNode duplicated =
        inferJson(
            handler, "{\"model_id\":\"m/1\",\"model_id\":\"m/2\",\"image\":{\"type\":\"url\"}}");
    assertThat(duplicated.path("statusCode").asInt()).isEqualTo(422);
    assertThat(body(duplicated).path("detail").get(0).path("type").asText())
        .isEqualTo("json_invalid");
    JsonNode anonymous =
        post(
            handler,
            "/infer/classification",
            "",
            Map.of("content-type", "application/json"),
            "{\"model_id\": ".getBytes(StandardCharsets.UTF_8));
    assertThat(anonymous.path("statusCode").asInt()).isEqualTo(401);
    assertThat(body(anonymous).has("message")).isTrue();
  }

  @Test
  void anEmptyListOfImagesGetsAnEmptyList() {
    JsonNode response = inferJson(handler, "{\"model_id\":\"m/1\",\"image\":[]}");
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(body(response).toString()).isEqualTo("[]");
  }
}
