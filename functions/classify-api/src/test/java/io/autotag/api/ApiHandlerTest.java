package io.autotag.api;

import static io.autotag.api.TestApi.body;
import static io.autotag.api.TestApi.env;
import static io.autotag.api.TestApi.handler;
import static io.autotag.api.TestApi.invoke;
import static io.autotag.api.TestApi.sampleEvent;
import static io.autotag.api.TestApi.v2;
import static io.autotag.api.TestApi.withKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The handler, driven with the sample events in {@code events/} and with built events. */
class ApiHandlerTest {

  private final FakeClassifier scripted = TestApi.scripted("scripted");
  private final ApiHandler handler = handler(env(), scripted);

  private static String json(Object... pairs) {
    var node = TestApi.JSON.createObjectNode();
    for (int i = 0; i < pairs.length; i += 2) {
      node.set((String) pairs[i], TestApi.JSON.valueToTree(pairs[i + 1]));
    }
    return node.toString();
  }

  private static String b64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  private static JsonNode classifyJson(ApiHandler h, String body) {
    return invoke(
        h,
        v2(
            "POST",
            "/classify",
            "",
            withKey("content-type", "application/json"),
            body.getBytes(StandardCharsets.UTF_8),
            false));
  }

  // --- sample events -----------------------------------------------------------------------

  @Test
  void health() {
    JsonNode response = invoke(handler, sampleEvent("api-health-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(body(response).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void classifyJsonV2() {
    JsonNode response = invoke(handler, sampleEvent("api-classify-json-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(response.has("multiValueHeaders")).isFalse();
    JsonNode body = body(response);
    assertThat(body.path("provider").asText()).isEqualTo("scripted");
    assertThat(body.path("model").asText()).isEqualTo("scripted-model");
    assertThat(body.path("top").path("label").asText()).isEqualTo("cat");
    assertThat(body.path("top").path("confidence").asDouble()).isEqualTo(0.82);
    // threshold 0.1 in the event drops bird (0.06)
    assertThat(body.path("labels")).hasSize(2);
    assertThat(body.path("image").path("format").asText()).isEqualTo("image/png");
    assertThat(body.path("requestId").asText()).isEqualTo("req-classify-json-2");
    assertThat(response.path("headers").path("x-request-id").asText())
        .isEqualTo("req-classify-json-2");
    assertThat(scripted.lastInput()).isInstanceOf(ImageInput.Bytes.class);
  }

  @Test
  void classifyBinaryV2() {
    JsonNode response = invoke(handler, sampleEvent("api-classify-binary-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    JsonNode body = body(response);
    assertThat(body.path("threshold").asDouble()).isEqualTo(0.2);
    assertThat(body.path("labels")).hasSize(1);
    assertThat(((ImageInput.Bytes) scripted.lastInput()).format()).contains(ImageFormat.PNG);
  }

  @Test
  void classifyMultipartV2() {
    JsonNode response = invoke(handler, sampleEvent("api-classify-multipart-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(body(response).path("labels")).hasSize(2); // topK=2 form field
  }

  @Test
  void classifyJsonV1() {
    JsonNode response = invoke(handler, sampleEvent("api-classify-json-v1.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(response.has("multiValueHeaders")).isTrue();
    assertThat(body(response).path("requestId").asText()).isEqualTo("req-classify-json-1");
  }

  @Test
  void classifyBinaryV1() {
    JsonNode response = invoke(handler, sampleEvent("api-classify-binary-v1.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(((ImageInput.Bytes) scripted.lastInput()).format()).contains(ImageFormat.PNG);
  }

  @Test
  void roboflowLegacyV2SingleLabelShape() {
    JsonNode response = invoke(handler, sampleEvent("api-roboflow-legacy-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    JsonNode body = body(response);
    assertThat(body.path("predictions").isArray()).isTrue();
    // Roboflow's default confidence, 0.4, keeps cat (0.82) only: dog and bird are below it
    assertThat(body.path("predictions")).hasSize(1);
    assertThat(body.path("predictions").get(0).path("class").asText()).isEqualTo("cat");
    assertThat(body.path("predictions").get(0).path("confidence").asDouble()).isEqualTo(0.82);
    assertThat(body.path("predictions").get(0).path("class_id").asInt())
        .isEqualTo(RoboflowAnswers.stableId("cat"));
    assertThat(body.path("top").asText()).isEqualTo("cat");
    assertThat(body.path("confidence").asDouble()).isEqualTo(0.82);
    assertThat(body.path("inference_id").asText()).isEqualTo("req-roboflow-legacy-2");
    assertThat(body.has("prediction_type")).isFalse();
    assertThat(body.path("image").path("width").asInt()).isEqualTo(8);
    assertThat(body.path("image").path("height").asInt()).isEqualTo(6);
    assertThat(body.path("time").isNumber()).isTrue();
  }

  @Test
  void roboflowLegacyV1() {
    JsonNode response = invoke(handler, sampleEvent("api-roboflow-legacy-v1.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(body(response).path("top").asText()).isEqualTo("cat");
  }

  @Test
  void roboflowMultiLabelShape() {
    scripted.multiLabel(true);
    JsonNode response = invoke(handler, sampleEvent("api-roboflow-infer-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    JsonNode body = body(response);
    assertThat(body.path("predictions").isObject()).isTrue();
    assertThat(body.path("predictions").path("dog").path("confidence").asDouble()).isEqualTo(0.12);
    // the event asks confidence 0.4: only cat is strictly above it
    assertThat(body.path("predicted_classes").toString()).isEqualTo("[\"cat\"]");
    assertThat(body.has("top")).isFalse();
  }

  @Test
  void einsteinPredict() {
    JsonNode response = invoke(handler, sampleEvent("api-einstein-predict-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    JsonNode body = body(response);
    assertThat(body.path("object").asText()).isEqualTo("predictresponse");
    assertThat(body.path("sampleId").asText()).isEqualTo("beach-42");
    assertThat(body.path("probabilities")).hasSize(2); // numResults=2
    assertThat(body.path("probabilities").get(0).path("label").asText()).isEqualTo("cat");
    assertThat(body.path("probabilities").get(0).path("probability").asDouble()).isEqualTo(0.82);
  }

  // --- authentication -------------------------------------------------------------------

  @Test
  void refusesRequestsWithoutAKey() {
    JsonNode response =
        invoke(
            handler,
            v2(
                "POST",
                "/classify",
                "",
                Map.of("content-type", "image/png"),
                TestApi.png(4, 4),
                true));
    assertThat(response.path("statusCode").asInt()).isEqualTo(401);
    JsonNode error = body(response).path("error");
    assertThat(error.path("code").asText()).isEqualTo("unauthorized");
    assertThat(error.path("requestId").asText()).isEqualTo("req-test");
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void refusesAWrongKeyAndAcceptsXApiKey() {
    byte[] png = TestApi.png(4, 4);
    JsonNode wrong =
        invoke(
            handler,
            v2(
                "POST",
                "/classify",
                "",
                Map.of("content-type", "image/png", "authorization", "Bearer nope"),
                png,
                true));
    assertThat(wrong.path("statusCode").asInt()).isEqualTo(401);
    JsonNode header =
        invoke(
            handler,
            v2(
                "POST",
                "/classify",
                "",
                Map.of("content-type", "image/png", "x-api-key", TestApi.KEY),
                png,
                true));
    assertThat(header.path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void apiKeyInTheQueryOnlyCountsOnRoboflowRoutes() {
    byte[] png = TestApi.png(4, 4);
    JsonNode classify =
        invoke(
            handler,
            v2(
                "POST",
                "/classify",
                "api_key=" + TestApi.KEY,
                Map.of("content-type", "image/png"),
                png,
                true));
    assertThat(classify.path("statusCode").asInt()).isEqualTo(401);
    JsonNode roboflow =
        invoke(
            handler,
            v2(
                "POST",
                "/my-dataset/3",
                "api_key=" + TestApi.KEY,
                Map.of("content-type", "application/x-www-form-urlencoded"),
                b64(png).getBytes(StandardCharsets.US_ASCII),
                false));
    assertThat(roboflow.path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void einsteinErrorsUseEinsteinsShape() {
    JsonNode response =
        invoke(
            handler,
            v2(
                "POST",
                "/v2/vision/predict",
                "",
                Map.of("content-type", "multipart/form-data; boundary=x"),
                "--x--\r\n".getBytes(StandardCharsets.US_ASCII),
                false));
    assertThat(response.path("statusCode").asInt()).isEqualTo(401);
    JsonNode body = body(response);
    assertThat(body.path("message").asText()).isNotBlank();
    assertThat(body.has("error")).isFalse();
  }

  @Test
  void iamModeNeedsAnIamAuthorisedEvent() {
    ApiHandler iam = handler(env("AUTOTAG_API_AUTH", "iam"), scripted);
    var event =
        v2("POST", "/classify", "", Map.of("content-type", "image/png"), TestApi.png(4, 4), true);
    assertThat(invoke(iam, event).path("statusCode").asInt()).isEqualTo(401);
    ((ObjectNode) event.path("requestContext"))
        .putObject("authorizer")
        .putObject("iam")
        .put("userArn", "arn:aws:iam::123456789012:user/ci");
    assertThat(invoke(iam, event).path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void authCanBeTurnedOffExplicitly() {
    ApiHandler open =
        handler(env("AUTOTAG_API_AUTH", "none", "AUTOTAG_API_KEY_HASHES", ""), scripted);
    var event =
        v2("POST", "/classify", "", Map.of("content-type", "image/png"), TestApi.png(4, 4), true);
    assertThat(invoke(open, event).path("statusCode").asInt()).isEqualTo(200);
  }

  /**
   * One error for every bad variable: the key hashes (read as a secret) and a route's provider
   * variables are named even when a plain variable is bad too.
   */
  @Test
  void startUpNamesEveryBadVariableKeysAndProvidersIncluded() {
    Map<String, String> env =
        env(
            "AUTOTAG_API_KEY_HASHES", "not-a-hash",
            "AUTOTAG_API_MAX_BATCH", "0",
            "AUTOTAG_PROVIDER", "roboflow");
    assertThatThrownBy(
            () ->
                ApiWiring.create(
                    env,
                    ProviderRegistry.builtIn(),
                    settings ->
                        AwsClients.create(
                            settings,
                            StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("test", "test")))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_API_MAX_BATCH")
        .hasMessageContaining("AUTOTAG_API_KEY_HASHES")
        .hasMessageContaining("AUTOTAG_ROBOFLOW_MODEL");
  }

  @Test
  void keyHashesAreRequiredUnlessAuthIsOff() {
    assertThatThrownBy(() -> handler(env("AUTOTAG_API_KEY_HASHES", ""), scripted))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_API_KEY_HASHES");
    assertThatThrownBy(() -> handler(env("AUTOTAG_API_KEY_HASHES", "not-a-hash"), scripted))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_API_KEY_HASHES")
        .hasMessageNotContaining("not-a-hash");
    assertThatThrownBy(() -> handler(env("AUTOTAG_API_AUTH", "maybe"), scripted))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_API_AUTH");
  }

  // --- input forms and errors ---------------------------------------------------------------

  @Test
  void inlineImagesAboveTheLimitAre413WithAPointerToUrlOrS3() {
    byte[] big = new byte[4_500_000];
    byte[] png = TestApi.png(4, 4);
    System.arraycopy(png, 0, big, 0, png.length);
    JsonNode raw =
        invoke(
            handler, v2("POST", "/classify", "", withKey("content-type", "image/png"), big, true));
    assertThat(raw.path("statusCode").asInt()).isEqualTo(413);
    assertThat(body(raw).path("error").path("message").asText()).contains("url").contains("s3");
    JsonNode base64 =
        classifyJson(handler, json("image", Map.of("type", "base64", "value", b64(big))));
    assertThat(base64.path("statusCode").asInt()).isEqualTo(413);
    assertThat(scripted.calls()).isZero();
  }

  /** The tagger tags an empty object {@code reason=empty}; the API says the same word. */
  @Test
  void anEmptyImageIs400Empty() {
    JsonNode raw =
        invoke(
            handler,
            v2("POST", "/classify", "", withKey("content-type", "image/png"), new byte[0], true));
    assertThat(raw.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(raw).path("error").path("code").asText())
        .isEqualTo(FailureReason.EMPTY.code())
        .isEqualTo("empty");
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void bytesThatAreNotAnImageAre415() {
    byte[] text = "hello, not an image".getBytes(StandardCharsets.UTF_8);
    JsonNode raw =
        invoke(
            handler, v2("POST", "/classify", "", withKey("content-type", "image/png"), text, true));
    assertThat(raw.path("statusCode").asInt()).isEqualTo(415);
    assertThat(body(raw).path("error").path("code").asText()).isEqualTo("unsupported-media-type");
    JsonNode plain =
        invoke(
            handler,
            v2("POST", "/classify", "", withKey("content-type", "text/plain"), text, false));
    assertThat(plain.path("statusCode").asInt()).isEqualTo(415);
  }

  @Test
  void malformedInputIs400() {
    assertThat(classifyJson(handler, "{\"image\": ").path("statusCode").asInt()).isEqualTo(400);
    JsonNode badBase64 =
        classifyJson(handler, json("image", Map.of("type", "base64", "value", "@@@not base64@@@")));
    assertThat(badBase64.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(badBase64).path("error").path("code").asText()).isEqualTo("malformed-base64");
    JsonNode badType = classifyJson(handler, json("image", Map.of("type", "ftp", "value", "x")));
    assertThat(badType.path("statusCode").asInt()).isEqualTo(400);
    JsonNode badThreshold =
        classifyJson(
            handler,
            json(
                "image",
                Map.of("type", "base64", "value", b64(TestApi.png(2, 2))),
                "threshold",
                7));
    assertThat(badThreshold.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(badThreshold).path("error").path("message").asText()).contains("threshold");
    byte[] truncated =
        "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"
            .getBytes(StandardCharsets.US_ASCII);
    JsonNode badMultipart =
        invoke(
            handler,
            v2(
                "POST",
                "/classify",
                "",
                withKey("content-type", "multipart/form-data; boundary=b"),
                truncated,
                true));
    assertThat(badMultipart.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(badMultipart).path("error").path("code").asText())
        .isEqualTo("malformed-multipart");
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() {
    assertThat(
            invoke(handler, v2("GET", "/nope", "", Map.of(), null, false))
                .path("statusCode")
                .asInt())
        .isEqualTo(404);
    JsonNode get = invoke(handler, v2("GET", "/classify", "", withKey(), null, false));
    assertThat(get.path("statusCode").asInt()).isEqualTo(405);
    // Roboflow's legacy route takes GET and POST; anything else is FastAPI's 405
    JsonNode put = invoke(handler, v2("PUT", "/my-dataset/3", "", withKey(), null, false));
    assertThat(put.path("statusCode").asInt()).isEqualTo(405);
    assertThat(body(put).path("detail").asText()).isEqualTo("Method Not Allowed");
  }

  @Test
  void internalErrorsNeverLeakTheirText() {
    scripted.failing(new IllegalStateException("db password is hunter2"));
    JsonNode response = invoke(handler, sampleEvent("api-classify-json-v2.json"));
    assertThat(response.path("statusCode").asInt()).isEqualTo(500);
    assertThat(response.path("body").asText()).doesNotContain("hunter2");
    assertThat(body(response).path("error").path("code").asText()).isEqualTo("internal-error");
    assertThat(body(response).path("error").path("requestId").asText())
        .isEqualTo("req-classify-json-2");
  }

  @Test
  void providerFailuresMapToStableStatuses() {
    scripted.failing(
        new ClassificationException(
            FailureReason.UNAVAILABLE, "roboflow at 10.0.3.7: cannot connect"));
    JsonNode unavailable = invoke(handler, sampleEvent("api-classify-json-v2.json"));
    assertThat(unavailable.path("statusCode").asInt()).isEqualTo(503);
    assertThat(unavailable.path("body").asText()).doesNotContain("10.0.3.7");
    scripted.failing(new ClassificationException(FailureReason.CORRUPT, "the image is damaged"));
    JsonNode corrupt = invoke(handler, sampleEvent("api-einstein-predict-v2.json"));
    assertThat(corrupt.path("statusCode").asInt()).isEqualTo(422);
    assertThat(body(corrupt).path("message").asText()).isEqualTo("the image is damaged");
    scripted.failing(new ClassificationException(FailureReason.UNAUTHORIZED, "key=abc rejected"));
    JsonNode unauthorised = invoke(handler, sampleEvent("api-classify-json-v2.json"));
    assertThat(unauthorised.path("statusCode").asInt()).isEqualTo(502);
    assertThat(unauthorised.path("body").asText()).doesNotContain("abc");
  }

  @Test
  void s3InputsOnlyFromAllowedBucketsAndByReferenceWhenTheProviderTakesIt() {
    scripted.capabilities(
        new ProviderCapabilities(
            5_000_000, false, true, 15_000_000, EnumSet.allOf(ImageFormat.class)));
    ApiHandler h = handler(env("AUTOTAG_API_S3_BUCKETS", "photos, other"), scripted);
    JsonNode refused =
        classifyJson(h, json("image", Map.of("type", "s3", "value", "s3://secret-bucket/a.jpg")));
    assertThat(refused.path("statusCode").asInt()).isEqualTo(403);
    assertThat(body(refused).path("error").path("code").asText()).isEqualTo("bucket-not-allowed");
    JsonNode allowed =
        classifyJson(h, json("image", Map.of("type", "s3", "value", "s3://photos/cats/a b.jpg")));
    assertThat(allowed.path("statusCode").asInt()).isEqualTo(200);
    assertThat(scripted.lastInput())
        .isEqualTo(ImageInput.S3Object.of(ObjectRef.of("photos", "cats/a b.jpg")));
  }

  @Test
  void urlInputsToInternalAddressesAreRefused() {
    for (String url :
        new String[] {
          "http://127.0.0.1:9/x.jpg",
          "http://169.254.169.254/latest/meta-data/",
          "file:///etc/passwd"
        }) {
      JsonNode response = classifyJson(handler, json("image", Map.of("type", "url", "value", url)));
      assertThat(response.path("statusCode").asInt()).as(url).isEqualTo(400);
    }
    // A provider that fetches URLs itself gets the vetted URL, still never an internal one.
    scripted.capabilities(
        new ProviderCapabilities(5_000_000, true, false, 0, EnumSet.allOf(ImageFormat.class)));
    JsonNode viaProvider =
        classifyJson(
            handler, json("image", Map.of("type", "url", "value", "http://10.0.0.5/a.jpg")));
    assertThat(viaProvider.path("statusCode").asInt()).isEqualTo(400);
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void compatibleRoutesFollowTheModelMap() {
    FakeClassifier other = TestApi.scripted("other").defaultAnswer(new Label("beach", 0.98));
    String models =
        "{\"roboflow/beaches/2\": \"other\","
            + " \"einstein/GeneralImageClassifier\": {\"provider\": \"other\", \"multiLabel\": false}}";
    ApiHandler mapped = handler(env("AUTOTAG_API_MODELS", models), scripted, other);
    JsonNode einstein = invoke(mapped, sampleEvent("api-einstein-predict-v2.json"));
    assertThat(body(einstein).path("probabilities").get(0).path("label").asText())
        .isEqualTo("beach");
    // my-dataset/3 is not mapped: the default provider answers
    JsonNode unmapped = invoke(mapped, sampleEvent("api-roboflow-legacy-v2.json"));
    assertThat(body(unmapped).path("top").asText()).isEqualTo("cat");

    ApiHandler strict =
        handler(
            env("AUTOTAG_API_MODELS", models, "AUTOTAG_API_MODELS_STRICT", "true"),
            scripted,
            other);
    JsonNode refused = invoke(strict, sampleEvent("api-roboflow-legacy-v2.json"));
    assertThat(refused.path("statusCode").asInt()).isEqualTo(404);
    assertThat(body(refused).path("message").asText())
        .startsWith("Requested Roboflow resource not found");
  }

  @Test
  void badModelMapsFailAtStartUp() {
    assertThatThrownBy(() -> handler(env("AUTOTAG_API_MODELS", "{not json"), scripted))
        .hasMessageContaining("AUTOTAG_API_MODELS");
    assertThatThrownBy(
            () -> handler(env("AUTOTAG_API_MODELS", "{\"roboflow/x/3\": \"missing\"}"), scripted))
        .hasMessageContaining("AUTOTAG_API_MODELS[roboflow/x/3]");
    assertThatThrownBy(
            () -> handler(env("AUTOTAG_API_MODELS", "{\"foo\": \"scripted\"}"), scripted))
        .hasMessageContaining("AUTOTAG_API_MODELS");
  }

  @Test
  void roboflowInferTakesAListOfImages() {
    String image = b64(TestApi.png(3, 3));
    String body =
        json(
            "model_id",
            "my-dataset/3",
            "api_key",
            TestApi.KEY,
            "image",
            List.of(
                Map.of("type", "base64", "value", image),
                Map.of("type", "base64", "value", image)));
    JsonNode response =
        invoke(
            handler,
            v2(
                "POST",
                "/infer/classification",
                "",
                Map.of("content-type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8),
                false));
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    JsonNode answers = body(response);
    assertThat(answers.isArray()).isTrue();
    assertThat(answers).hasSize(2);
    assertThat(answers.get(1).path("image").path("width").asInt()).isEqualTo(3);
    assertThat(scripted.calls()).isEqualTo(2);

    String noKey = body.replace(TestApi.KEY, "wrong");
    JsonNode refused =
        invoke(
            handler,
            v2(
                "POST",
                "/infer/classification",
                "",
                Map.of("content-type", "application/json"),
                noKey.getBytes(StandardCharsets.UTF_8),
                false));
    assertThat(refused.path("statusCode").asInt()).isEqualTo(401);
  }

  @Test
  void namedStagesAreStrippedFromThePath() {
    var event = v2("GET", "/prod/health", "", Map.of(), null, false);
    ((ObjectNode) event.path("requestContext")).put("stage", "prod");
    assertThat(invoke(handler, event).path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void nonApiGatewayEventsFailTheInvocation() {
    assertThatThrownBy(() -> invoke(handler, sampleEvent("s3-put.json")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
