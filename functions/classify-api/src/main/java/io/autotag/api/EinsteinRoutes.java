package io.autotag.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.net.FetchException;
import io.autotag.shared.provider.http.MultipartForm;
import java.util.List;
import java.util.Map;

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

  /** The form fields, from either encoding; {@code null} where the request left one out. */
  private record Fields(
      String modelId,
      String sampleLocation,
      byte[] sampleContent,
      String sampleBase64Content,
      String numResults,
      String sampleId) {}

  ApiResponse predict(ApiRequest request) throws ClassificationException, FetchException {
    Fields fields = fields(request);
    String modelId = fields.modelId();
    if (modelId == null) {
      throw ApiException.badRequest("invalid-request", "modelId is required");
    }
    int given =
        (fields.sampleLocation() != null ? 1 : 0)
            + (fields.sampleContent() != null ? 1 : 0)
            + (fields.sampleBase64Content() != null ? 1 : 0);
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
    if (fields.sampleContent() != null) {
      input = images.fromBytes(fields.sampleContent());
    } else if (fields.sampleBase64Content() != null) {
      input = images.fromBase64(fields.sampleBase64Content());
    } else {
      input = images.fromUrl(fields.sampleLocation());
    }
    Classification result = target.classifier().classify(input);

    ObjectNode out = json.createObjectNode();
    ArrayNode probabilities = out.putArray("probabilities");
    for (Label label : result.labels().subList(0, Math.min(numResults, result.labels().size()))) {
      ObjectNode p = probabilities.addObject();
      p.put("label", label.name());
      p.put("probability", label.confidence());
    }
    if (fields.sampleId() != null) {
      out.put("sampleId", fields.sampleId());
    }
    out.put("object", "predictresponse");
    return ApiResponse.json(200, Forms.jsonBytes(out));
  }

  private static Fields fields(ApiRequest request) {
    String mediaType = request.mediaType().orElse("");
    if (mediaType.equals("multipart/form-data")) {
      MultipartForm form = Forms.multipart(request);
      byte[] content =
          form.part("sampleContent")
              .map(MultipartForm.Part::content)
              .filter(b -> b.length > 0)
              .orElse(null);
      return new Fields(
          form.text("modelId").orElse(null),
          form.text("sampleLocation").orElse(null),
          content,
          form.text("sampleBase64Content").orElse(null),
          form.text("numResults").orElse(null),
          form.text("sampleId").orElse(null));
    }
    if (mediaType.equals("application/x-www-form-urlencoded")) {
      Map<String, List<String>> form = Forms.urlEncoded(request);
      return new Fields(
          first(form, "modelId"),
          first(form, "sampleLocation"),
          null,
          // A client that did not percent-encode the base64 sent '+' that decoded to spaces.
          first(form, "sampleBase64Content") == null
              ? null
              : first(form, "sampleBase64Content").replace(' ', '+'),
          first(form, "numResults"),
          first(form, "sampleId"));
    }
    throw ApiException.unsupportedMediaType("send the prediction request as multipart/form-data");
  }

  /** The field's first value, trimmed; {@code null} when absent or blank. */
  private static String first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() || values.getFirst().isBlank()
        ? null
        : values.getFirst().trim();
  }
}
