package io.autotag.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.net.FetchException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Einstein Vision-compatible {@code POST /v2/vision/predict}, so clients of the retired service
 * keep working: a {@code multipart/form-data} body (a URL-encoded form is accepted too) with {@code
 * modelId}, exactly one of {@code sampleLocation}, {@code sampleContent} (a file part) or {@code
 * sampleBase64Content}, and optional {@code numResults} (default 5) and {@code sampleId} (echoed).
 * Answers {@code {"probabilities": [{"label", "probability"}...], "object": "predictresponse"}};
 * the router writes errors in Einstein's {@code {"message": ...}} shape.
 */
final class EinsteinRoutes {

  private static final int DEFAULT_RESULTS = 5;

  private final ModelRoutes models;
  private final ImageResolver images;
  private final ObjectMapper json;

  EinsteinRoutes(ModelRoutes models, ImageResolver images, ObjectMapper json) {
    this.models = models;
    this.images = images;
    this.json = json;
  }

  /** The form fields, from either encoding. */
  private record Fields(
      Optional<String> modelId,
      Optional<String> sampleLocation,
      Optional<byte[]> sampleContent,
      Optional<String> sampleBase64Content,
      Optional<String> numResults,
      Optional<String> sampleId) {}

  ApiResponse predict(ApiRequest request) throws ClassificationException, FetchException {
    Fields fields = fields(request);
    String modelId =
        fields
            .modelId()
            .orElseThrow(() -> ApiException.badRequest("invalid-request", "modelId is required"));
    int given =
        (fields.sampleLocation().isPresent() ? 1 : 0)
            + (fields.sampleContent().isPresent() ? 1 : 0)
            + (fields.sampleBase64Content().isPresent() ? 1 : 0);
    if (given != 1) {
      throw ApiException.badRequest(
          "invalid-request",
          "send exactly one of sampleLocation, sampleContent or sampleBase64Content");
    }
    int numResults = Params.count(fields.numResults(), "numResults", 1000).orElse(DEFAULT_RESULTS);
    ModelRoutes.Target target =
        models
            .find(ApiConfig.einsteinKey(modelId))
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "model-not-found",
                        "the model ID can't be found: it is unknown or still training"));
    ImageInput input;
    if (fields.sampleContent().isPresent()) {
      input = images.fromBytes(fields.sampleContent().get());
    } else if (fields.sampleBase64Content().isPresent()) {
      input = images.fromBase64(fields.sampleBase64Content().get());
    } else {
      input = images.fromUrl(fields.sampleLocation().get());
    }
    Classification result = target.classifier().classify(input);

    ObjectNode out = json.createObjectNode();
    ArrayNode probabilities = out.putArray("probabilities");
    for (Label label : result.labels().subList(0, Math.min(numResults, result.labels().size()))) {
      ObjectNode p = probabilities.addObject();
      p.put("label", label.name());
      p.put("probability", label.confidence());
    }
    fields.sampleId().ifPresent(id -> out.put("sampleId", id));
    out.put("object", "predictresponse");
    return ApiResponse.json(200, Forms.jsonBytes(out));
  }

  private static Fields fields(ApiRequest request) {
    String mediaType = request.mediaType().orElse("");
    if (mediaType.equals("multipart/form-data")) {
      MultipartForm form = Forms.multipart(request);
      Optional<byte[]> content =
          form.part("sampleContent").map(MultipartForm.Part::content).filter(b -> b.length > 0);
      return new Fields(
          form.text("modelId"),
          form.text("sampleLocation"),
          content,
          form.text("sampleBase64Content"),
          form.text("numResults"),
          form.text("sampleId"));
    }
    if (mediaType.equals("application/x-www-form-urlencoded")) {
      Map<String, List<String>> form = Forms.urlEncoded(request);
      return new Fields(
          first(form, "modelId"),
          first(form, "sampleLocation"),
          Optional.empty(),
          // A client that did not percent-encode the base64 sent '+' that decoded to spaces.
          first(form, "sampleBase64Content").map(b64 -> b64.replace(' ', '+')),
          first(form, "numResults"),
          first(form, "sampleId"));
    }
    throw ApiException.unsupportedMediaType("send the prediction request as multipart/form-data");
  }

  private static Optional<String> first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() || values.getFirst().isBlank()
        ? Optional.empty()
        : Optional.of(values.getFirst().trim());
  }
}
