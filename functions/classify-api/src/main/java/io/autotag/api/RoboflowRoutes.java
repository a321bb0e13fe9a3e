package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.net.FetchException;
import io.autotag.shared.secrets.SecretException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Roboflow-compatible routes, so clients of Roboflow's hosted API or of a Roboflow Inference server
 * can point at autotag: the legacy {@code POST /{dataset}/{version}} (base64 body or {@code
 * ?image=<url>}, {@code api_key} in the query or as a Bearer token) and {@code POST
 * /infer/classification} (JSON, one image or a list). Answers Roboflow's single-label shape ({@code
 * predictions} an array) or multi-label shape ({@code predictions} an object plus {@code
 * predicted_classes}), field for field.
 *
 * @see <a href="https://docs.roboflow.com/deploy/hosted-api/classification">Roboflow classification
 *     API</a>
 */
final class RoboflowRoutes {

  private final ModelRoutes models;
  private final ImageResolver images;
  private final ApiKeyAuthenticator auth;
  private final ObjectMapper json;
  private final ApiConfig config;

  RoboflowRoutes(
      ModelRoutes models,
      ImageResolver images,
      ApiKeyAuthenticator auth,
      ObjectMapper json,
      ApiConfig config) {
    this.models = models;
    this.images = images;
    this.auth = auth;
    this.json = json;
    this.config = config;
  }

  /** {@code POST /{dataset}/{version}}; the router has authenticated the request. */
  ApiResponse legacy(ApiRequest request, String dataset, String version)
      throws ClassificationException, FetchException {
    long start = System.nanoTime();
    ModelRoutes.Target target = target(dataset, version);
    Optional<Double> threshold =
        Params.confidence(request.queryParameter("confidence"), "confidence");
    ImageInput input;
    Optional<String> url = request.queryParameter("image").filter(s -> !s.isBlank());
    byte[] body = request.body();
    if (body.length > 0 && ImageFormat.sniff(body).isPresent()) {
      input = images.fromBytes(body); // raw bytes: not Roboflow's form, but unambiguous
    } else if (body.length > 0 && !isBlank(body)) {
      input = images.fromBase64(new String(body, java.nio.charset.StandardCharsets.US_ASCII));
    } else if (url.isPresent()) {
      input = images.fromUrl(url.get(), target.classifier());
    } else {
      throw ApiException.badRequest(
          "invalid-request", "send the image as a base64 body or as ?image=<url>");
    }
    Classification result = target.classifier().classify(input);
    return ApiResponse.json(200, Forms.bytes(render(target, input, result, threshold, start)));
  }

  /** {@code POST /infer/classification}, authenticated here because the key may be in the body. */
  ApiResponse infer(ApiRequest request)
      throws ClassificationException, FetchException, SecretException {
    long start = System.nanoTime();
    // Authenticate before reporting anything about the body: a caller without a valid key learns
    // nothing from a 400. The key may be in the body, so a body that cannot be read has no key.
    JsonNode body = null;
    ApiException malformed = null;
    try {
      body = Params.jsonObject(json, request.body());
    } catch (ApiException e) {
      malformed = e;
    }
    Optional<String> bodyKey =
        body != null && body.path("api_key").isTextual()
            ? Optional.of(body.get("api_key").asText())
            : Optional.empty();
    auth.authenticate(request, ApiKeyAuthenticator.KeySources.HEADERS_AND_QUERY, bodyKey);
    if (malformed != null) {
      throw malformed;
    }
    String modelId = body.path("model_id").asText("");
    if (!modelId.matches("[^/]+/[0-9]+")) {
      throw ApiException.badRequest(
          "invalid-request", "model_id must be <dataset>/<version>, for example my-dataset/3");
    }
    int slash = modelId.indexOf('/');
    ModelRoutes.Target target = target(modelId.substring(0, slash), modelId.substring(slash + 1));
    Optional<Double> threshold = Params.confidence(body, "confidence");
    JsonNode image = body.get("image");
    if (image == null || image.isNull()) {
      throw ApiException.badRequest("invalid-request", "image is required");
    }
    if (image.isArray()) {
      if (image.isEmpty() || image.size() > config.maxBatch()) {
        throw ApiException.badRequest(
            "invalid-request", "image must hold between 1 and " + config.maxBatch() + " images");
      }
      // Resolve every image first, so a bad one fails the request before any is classified.
      List<ImageInput> inputs = new ArrayList<>();
      for (JsonNode one : image) {
        inputs.add(images.fromJson(one, target.classifier(), false));
      }
      ArrayNode out = json.createArrayNode();
      for (ImageInput input : inputs) {
        long each = System.nanoTime();
        out.add(render(target, input, target.classifier().classify(input), threshold, each));
      }
      return ApiResponse.json(200, Forms.bytes(out));
    }
    ImageInput input = images.fromJson(image, target.classifier(), false);
    Classification result = target.classifier().classify(input);
    return ApiResponse.json(200, Forms.bytes(render(target, input, result, threshold, start)));
  }

  private ModelRoutes.Target target(String dataset, String version) {
    return models
        .find(ApiConfig.roboflowKey(dataset, version))
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "model-not-found", "no model is configured for that dataset and version"));
  }

  private ObjectNode render(
      ModelRoutes.Target target,
      ImageInput input,
      Classification result,
      Optional<Double> threshold,
      long start) {
    boolean multiLabel = target.multiLabel().orElse(result.multiLabel());
    ObjectNode out = json.createObjectNode();
    out.put("time", (System.nanoTime() - start) / 1e9);
    ImageDimensions.of(result, input)
        .ifPresent(
            size -> {
              ObjectNode image = out.putObject("image");
              image.put("width", size.width());
              image.put("height", size.height());
            });
    if (multiLabel) {
      double cut = threshold.orElse(config.multiLabelThreshold());
      ObjectNode predictions = out.putObject("predictions");
      ArrayNode predicted = json.createArrayNode();
      for (Label label : result.labels()) {
        predictions.putObject(label.name()).put("confidence", label.confidence());
        if (label.confidence() > cut) { // strictly greater, as Roboflow does
          predicted.add(label.name());
        }
      }
      out.set("predicted_classes", predicted);
    } else {
      // Every class, sorted by confidence; the request's threshold does not filter this list.
      ArrayNode predictions = out.putArray("predictions");
      for (Label label : result.labels()) {
        ObjectNode p = predictions.addObject();
        p.put("class", label.name());
        p.put("confidence", label.confidence());
      }
      out.put("top", result.top().map(Label::name).orElse(""));
      out.put("confidence", result.topConfidence());
      out.put("prediction_type", "ClassificationModel");
    }
    return out;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }
}
