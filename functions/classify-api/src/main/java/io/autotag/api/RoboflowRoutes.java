package io.autotag.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.net.FetchException;
import io.autotag.shared.provider.http.MultipartForm;
import io.autotag.shared.secrets.SecretException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Roboflow-compatible routes, checked against Roboflow's own Inference server (its FastAPI routes,
 * pydantic models and classification post-processing) so its clients, {@code inference_sdk}'s
 * {@code InferenceHTTPClient} included, work unchanged:
 *
 * <ul>
 *   <li>{@code GET|POST /{dataset}/{version}}: the legacy route. The image is {@code ?image=<url>}
 *       (preferred over a body), a base64 body, a multipart {@code file} part, or raw image bytes;
 *       options are query parameters ({@code confidence} of 1 or more is a percentage, and at least
 *       0.01, as Roboflow reads it there).
 *   <li>{@code POST /infer/classification}: JSON, one image or a list.
 *   <li>{@code GET /model/registry}, {@code POST /model/add|remove|clear}: what the SDK's default
 *       ("v1") mode asks before it infers. Nothing is loaded or unloaded: every model autotag
 *       answers for is always ready; the registry lists the Roboflow models of {@code
 *       AUTOTAG_API_MODELS} and any model just added.
 * </ul>
 *
 * Requests are validated as Roboflow's pydantic models validate them (422 with FastAPI's {@code
 * {"detail": [...]}}, see {@link RoboflowValidation}); answers are written by {@link
 * RoboflowAnswers}; other errors are Roboflow's {@code {"message": ...}} with its statuses ({@link
 * ErrorMapper}).
 *
 * @see <a href="https://github.com/roboflow/inference">Roboflow Inference</a>
 */
final class RoboflowRoutes {

  /** Where Roboflow's own checks say a model id is malformed (more than one slash, none at all). */
  static final String INVALID_MODEL_ID = "Invalid Model ID sent in request.";

  private static final List<String> PREPROCESSING =
      List.of(
          "disable_preproc_auto_orient",
          "disable_preproc_contrast",
          "disable_preproc_grayscale",
          "disable_preproc_static_crop");

  private final ModelRoutes models;
  private final ImageResolver images;
  private final ApiKeyAuthenticator auth;
  private final ObjectMapper json;
  private final ApiConfig config;
  private final RoboflowAnswers answers;

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
    this.answers = new RoboflowAnswers(json, config.multiLabelThreshold());
  }

  // --- the legacy route ------------------------------------------------------------------------

  /** {@code GET|POST /{dataset}/{version}}; the router has authenticated the request. */
  ApiResponse legacy(ApiRequest request, String dataset, String version)
      throws ClassificationException, FetchException {
    long start = System.nanoTime();
    RoboflowValidation check = new RoboflowValidation();
    Optional<RoboflowValidation.Confidence> asked = check.confidenceQuery(request, "confidence");
    checkLegacyQuery(request, check);
    check.check();
    if (request.queryParameter("format").filter("image"::equals).isPresent()) {
      throw ApiException.badRequest(
          "invalid-parameter", "format=image is not supported: autotag does not draw predictions");
    }
    ModelRoutes.Target target = target(dataset + "/" + version);
    ImageInput input = legacyImage(request, target);
    RoboflowValidation.Confidence confidence =
        asked
            .map(RoboflowRoutes::legacyScale)
            .orElse(
                new RoboflowValidation.Confidence.Threshold(RoboflowAnswers.DEFAULT_CONFIDENCE));
    Classification result = target.classifier().classify(input);
    ObjectNode answer =
        answers.render(
            result,
            target.multiLabel(result.multiLabel()),
            ImageDimensions.of(result, input).orElse(null),
            confidence,
            request.requestId(),
            seconds(start));
    return ApiResponse.json(200, Forms.jsonBytes(answer));
  }

  /**
   * The legacy route reads a number of 1 or more as a percentage ({@code confidence=40}) and raises
   * anything below 0.01 to 0.01, as Roboflow's handler does; {@code /infer} does neither.
   */
  static RoboflowValidation.Confidence legacyScale(RoboflowValidation.Confidence asked) {
    if (asked instanceof RoboflowValidation.Confidence.Threshold(double value)) {
      double scaled = value >= 1 ? value / 100 : value;
      return new RoboflowValidation.Confidence.Threshold(scaled < 0.01 ? 0.01 : scaled);
    }
    return asked;
  }

  /** The typed query parameters Roboflow's legacy route declares, checked as FastAPI would. */
  private static void checkLegacyQuery(ApiRequest request, RoboflowValidation check) {
    // In the order the route declares them, so the errors come in FastAPI's order.
    check.decimalQuery(request, "keypoint_confidence");
    check.boolQuery(request, "labels");
    check.decimalQuery(request, "tradeoff_factor");
    check.integerQuery(request, "max_detections");
    check.decimalQuery(request, "overlap");
    check.integerQuery(request, "stroke");
    check.boolQuery(request, "countinference");
    for (String name : PREPROCESSING) {
      check.boolQuery(request, name);
    }
    check.boolQuery(request, "disable_active_learning");
    check.boolQuery(request, "disable_model_monitoring");
    check.literalQuery(request, "response_mask_format", List.of("polygon", "rle"));
  }

  private ImageInput legacyImage(ApiRequest request, ModelRoutes.Target target)
      throws FetchException {
    Optional<String> url = request.queryParameter("image");
    if (url.isPresent()) {
      return images.fromUrl(url.get());
    }
    if (request.header("content-type").isEmpty()) {
      throw ApiException.badRequest(
          "missing-content-type", "Content-Type header not provided with request.");
    }
    if (request.mediaType().filter("multipart/form-data"::equals).isPresent()) {
      MultipartForm.Part file =
          Forms.multipart(request)
              .part("file")
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "invalid-request",
                          "Expected image to be send in part named 'file' of"
                              + " multipart/form-data request"));
      return images.fromBytes(file.content());
    }
    String imageType = request.queryParameter("image_type").orElse("base64");
    if (!imageType.equals("base64")) {
      throw ApiException.badRequest(
          "invalid-request", "image_type " + imageType + " is not supported, only base64");
    }
    byte[] body = request.body();
    if (body.length > 0 && ImageFormat.sniff(body).isPresent()) {
      return images.fromBytes(body); // raw bytes: not Roboflow's form, but unambiguous
    }
    if (isBlank(body)) {
      throw ApiException.badRequest(FailureReason.EMPTY.code(), "Image not found in request body.");
    }
    return images.fromBase64(new String(body, StandardCharsets.US_ASCII));
  }

  // --- /infer/classification ---------------------------------------------------------------------

  /**
   * What a valid {@code /infer/classification} body asks ({@code id}, {@code modelId}: or null).
   */
  private record InferRequest(
      String id,
      String modelId,
      List<JsonNode> images,
      boolean list,
      RoboflowValidation.Confidence confidence) {}

  /** {@code POST /infer/classification}, authenticated here because the key may be in the body. */
  ApiResponse infer(ApiRequest request)
      throws ClassificationException, FetchException, SecretException {
    long start = System.nanoTime();
    Body body = authenticatedBody(request);
    InferRequest asked = validate(body.json());
    ModelRoutes.Target target = target(asked.modelId());
    if (asked.images().size() > config.maxBatch()) {
      throw ApiException.badRequest(
          "invalid-request", "at most " + config.maxBatch() + " images per request");
    }
    // Resolve every image first, so a bad one fails the request before any is classified.
    List<ImageInput> inputs = new ArrayList<>();
    for (JsonNode image : asked.images()) {
      inputs.add(image(image, target));
    }
    List<Classification> results = new ArrayList<>();
    for (ImageInput input : inputs) {
      results.add(target.classifier().classify(input));
    }
    // Roboflow gives every answer of one request the request's id and the request's time.
    String inferenceId = asked.id() != null ? asked.id() : request.requestId();
    double seconds = seconds(start);
    ArrayNode out = json.createArrayNode();
    for (int i = 0; i < results.size(); i++) {
      Classification result = results.get(i);
      out.add(
          answers.render(
              result,
              target.multiLabel(result.multiLabel()),
              ImageDimensions.of(result, inputs.get(i)).orElse(null),
              asked.confidence(),
              inferenceId,
              seconds));
    }
    return ApiResponse.json(200, Forms.jsonBytes(asked.list() ? out : out.get(0)));
  }

  /** Checks the body as Roboflow's {@code ClassificationInferenceRequest} does, field by field. */
  private InferRequest validate(JsonNode body) {
    RoboflowValidation check = new RoboflowValidation();
    if (body == null || !body.isObject()) {
      check.error(
          "model_type",
          List.of("body"),
          "Input should be a valid dictionary or instance of ClassificationInferenceRequest",
          body,
          json.createObjectNode().put("class_name", "ClassificationInferenceRequest"));
      check.check();
    }
    // In the model's field order, so the errors come in the order pydantic lists them.
    Optional<String> id = Optional.empty();
    if (body.has("id")) {
      // BaseRequest fills a missing id itself, but one that is given must be a string.
      id = check.string(body.get("id"), field("id"), false);
    }
    check.string(body.get("api_key"), field("api_key"), true);
    check.bool(body.get("usage_billable"), field("usage_billable"), false);
    check.decimal(body.get("start"), field("start"), true);
    for (String name : List.of("source", "source_info", "stream_pipeline_context_id")) {
      check.string(body.get(name), field(name), true);
    }
    check.bool(body.get("disable_model_monitoring"), field("disable_model_monitoring"), true);
    Optional<String> modelId = Optional.empty();
    if (!body.has("model_id")) {
      check.missing(field("model_id"), body);
    } else {
      modelId = check.string(body.get("model_id"), field("model_id"), true);
    }
    List<JsonNode> given = new ArrayList<>();
    boolean list = false;
    if (!body.has("image")) {
      check.missing(field("image"), body);
    } else {
      list = body.get("image").isArray();
      given = images(body.get("image"), check);
    }
    for (String name : PREPROCESSING) {
      check.bool(body.get(name), field(name), true);
    }
    RoboflowValidation.Confidence confidence =
        check
            .confidence(body.get("confidence"), field("confidence"))
            .orElse(
                new RoboflowValidation.Confidence.Threshold(RoboflowAnswers.DEFAULT_CONFIDENCE));
    check.integer(
        body.get("visualization_stroke_width"), field("visualization_stroke_width"), true);
    for (String name : List.of("visualize_predictions", "disable_active_learning")) {
      check.bool(body.get(name), field(name), true);
    }
    check.string(
        body.get("active_learning_target_dataset"), field("active_learning_target_dataset"), true);
    check.check();
    return new InferRequest(id.orElse(null), modelId.orElse(null), given, list, confidence);
  }

  /** {@code Union[List[InferenceRequestImage], InferenceRequestImage]}, pydantic's smart union. */
  private List<JsonNode> images(JsonNode image, RoboflowValidation check) {
    List<Object> asList = List.of("body", "image", "list[InferenceRequestImage]");
    List<Object> asOne = List.of("body", "image", "InferenceRequestImage");
    if (image.isArray()) {
      RoboflowValidation each = new RoboflowValidation();
      for (int i = 0; i < image.size(); i++) {
        requestImage(image.get(i), RoboflowValidation.append(asList, i), each);
      }
      if (!each.failed()) {
        List<JsonNode> all = new ArrayList<>();
        image.forEach(all::add);
        return all;
      }
      each.failuresInto(check);
      modelType(image, asOne, check);
      return List.of();
    }
    if (image.isObject()) {
      RoboflowValidation one = new RoboflowValidation();
      requestImage(image, asOne, one);
      if (!one.failed()) {
        return List.of(image);
      }
      check.error("list_type", asList, "Input should be a valid list", image, null);
      one.failuresInto(check);
      return List.of();
    }
    check.error("list_type", asList, "Input should be a valid list", image, null);
    modelType(image, asOne, check);
    return List.of();
  }

  /** {@code InferenceRequestImage}: {@code type} a required string, {@code value} anything. */
  private void requestImage(JsonNode image, List<Object> loc, RoboflowValidation check) {
    if (!image.isObject()) {
      modelType(image, loc, check);
      return;
    }
    if (!image.has("type")) {
      check.missing(RoboflowValidation.append(loc, "type"), image);
    } else {
      check.string(image.get("type"), RoboflowValidation.append(loc, "type"), false);
    }
  }

  private void modelType(JsonNode input, List<Object> loc, RoboflowValidation check) {
    check.error(
        "model_type",
        loc,
        "Input should be a valid dictionary or instance of InferenceRequestImage",
        input,
        json.createObjectNode().put("class_name", "InferenceRequestImage"));
  }

  /** A validated image: its type says how to read its value. */
  private ImageInput image(JsonNode image, ModelRoutes.Target target) throws FetchException {
    String type = image.get("type").asText();
    JsonNode value = image.get("value");
    if (value == null || !value.isTextual()) {
      throw ApiException.badRequest(
          "invalid-request", "the image value must be a string (base64 or a URL)");
    }
    return switch (type) {
      case "base64" -> images.fromBase64(value.asText());
      case "url" -> images.fromUrl(value.asText());
      default ->
          throw ApiException.badRequest(
              "invalid-request", "image type " + type + " is not supported, only base64 or url");
    };
  }

  // --- the model registry the SDK's v1 mode reads ------------------------------------------

  /** {@code GET /model/registry}; the router has authenticated the request. */
  ApiResponse registry() {
    return ApiResponse.json(200, Forms.jsonBytes(registry(null)));
  }

  /** {@code POST /model/add}, {@code /model/remove}: the body names a model. */
  ApiResponse model(ApiRequest request, boolean add) throws SecretException {
    Body body = authenticatedBody(request);
    RoboflowValidation check = new RoboflowValidation();
    JsonNode root = body.json();
    String requestModel = add ? "AddModelRequest" : "ClearModelRequest";
    if (root == null || !root.isObject()) {
      check.error(
          "model_type",
          List.of("body"),
          "Input should be a valid dictionary or instance of " + requestModel,
          root,
          json.createObjectNode().put("class_name", requestModel));
      check.check();
    }
    Optional<String> modelId = Optional.empty();
    if (!root.has("model_id")) {
      check.missing(field("model_id"), root);
    } else {
      modelId = check.string(root.get("model_id"), field("model_id"), false);
    }
    if (add) {
      check.string(root.get("model_type"), field("model_type"), true);
      check.string(root.get("api_key"), field("api_key"), true);
    }
    check.check();
    if (!add) {
      return ApiResponse.json(200, Forms.jsonBytes(registry(null)));
    }
    target(modelId.get()); // 400 or 404 when autotag would not answer for it
    return ApiResponse.json(200, Forms.jsonBytes(registry(modelId.get())));
  }

  /** {@code POST /model/clear}; the router has authenticated the request. */
  ApiResponse clear() {
    return registry();
  }

  /** {@code ModelsDescriptions}: every configured Roboflow model, plus {@code added} (or null). */
  private ObjectNode registry(String added) {
    List<String> ids = new ArrayList<>();
    for (String key : config.models().keySet()) {
      if (key.startsWith(ApiConfig.ROBOFLOW_PREFIX)) {
        ids.add(key.substring(ApiConfig.ROBOFLOW_PREFIX.length()));
      }
    }
    if (added != null && !ids.contains(added)) {
      ids.add(added);
    }
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("models");
    for (String id : ids) {
      ObjectNode model = list.addObject();
      model.put("model_id", id);
      model.put("task_type", "classification");
      model.put("batch_size", config.maxBatch());
      // Unknown sizes: the SDK then leaves the images as they are (or uses its own maximum).
      model.putNull("input_height");
      model.putNull("input_width");
      model.putNull("vram_bytes");
      model.putArray("request_aliases");
      model.putArray("request_paths");
    }
    return root;
  }

  // --- shared ------------------------------------------------------------------------------

  /** A JSON body read after the key was checked (the key may be in it). */
  private record Body(JsonNode json) {}

  /**
   * Reads the body as FastAPI would (JSON when the media type says JSON or there is none) and
   * authenticates the request before saying anything about the body: a caller without a valid key
   * learns nothing from a 422. A body that cannot be read holds no key.
   */
  private Body authenticatedBody(ApiRequest request) throws SecretException {
    byte[] raw = request.body();
    JsonNode parsed = null;
    ArrayNode problem = null;
    String mediaType = request.mediaType().orElse("application/json");
    boolean isJson = mediaType.equals("application/json") || mediaType.endsWith("+json");
    if (raw.length == 0) {
      problem = detail("missing", List.of("body"), "Field required", null, null);
    } else if (!isJson) {
      // FastAPI hands the bytes to the model, which refuses anything but an object.
      parsed = json.getNodeFactory().textNode(new String(raw, StandardCharsets.UTF_8));
    } else {
      try {
        parsed = Params.strict(json).readTree(raw);
      } catch (JsonProcessingException e) {
        long at = e.getLocation() == null ? 0 : e.getLocation().getCharOffset();
        problem =
            detail(
                "json_invalid",
                List.of("body", (int) Math.max(0, at)),
                "JSON decode error",
                json.createObjectNode(),
                json.createObjectNode().put("error", e.getOriginalMessage()));
      } catch (IOException e) {
        problem = detail("json_invalid", List.of("body", 0), "JSON decode error", null, null);
      }
    }
    String bodyKey =
        parsed != null && parsed.path("api_key").isTextual()
            ? parsed.get("api_key").asText()
            : null;
    auth.authenticate(request, ApiKeyAuthenticator.KeySources.HEADERS_AND_QUERY, bodyKey);
    if (problem != null) {
      throw new RoboflowValidation.Invalid(problem);
    }
    return new Body(parsed);
  }

  private ArrayNode detail(
      String type, List<Object> loc, String msg, JsonNode input, ObjectNode ctx) {
    RoboflowValidation one = new RoboflowValidation();
    one.error(type, loc, msg, input, ctx);
    return one.detail();
  }

  /**
   * The classifier for a Roboflow model id: any string, as Roboflow takes aliases too, but at most
   * one slash (Roboflow refuses more).
   */
  private ModelRoutes.Target target(String modelId) {
    if (modelId == null || modelId.isEmpty() || modelId.split("/", -1).length > 2) {
      throw ApiException.badRequest("invalid-model-id", INVALID_MODEL_ID);
    }
    return models
        .find(ApiConfig.roboflowKey(modelId))
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "model-not-found", "no model is configured for that model id"));
  }

  private static List<Object> field(String name) {
    return List.of("body", name);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
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
