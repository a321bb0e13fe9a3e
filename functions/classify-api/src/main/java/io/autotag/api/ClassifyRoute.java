package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * {@code POST /classify}: autotag's own route. The image comes as JSON ({@code {"image": {"type":
 * "base64"|"url"|"s3", "value": ...}, "threshold", "topK", "multiLabel"}}), as a raw {@code
 * image/*} body, or as the {@code file} part of a {@code multipart/form-data} body (options then as
 * query parameters or form fields). The answer lists the labels at or above the threshold; for a
 * single-label answer at most {@code topK} of them.
 */
final class ClassifyRoute {

  private final ModelRoutes models;
  private final ImageResolver images;
  private final ObjectMapper json;
  private final ApiConfig config;

  ClassifyRoute(ModelRoutes models, ImageResolver images, ObjectMapper json, ApiConfig config) {
    this.models = models;
    this.images = images;
    this.json = json;
    this.config = config;
  }

  /** What the request asked; {@code null} where it did not say (the defaults apply). */
  private record Options(Double threshold, Integer topK, Boolean multiLabel) {}

  ApiResponse handle(ApiRequest request) throws ClassificationException, FetchException {
    long start = System.nanoTime();
    ModelRoutes.Target target = models.defaultTarget();
    String mediaType =
        request
            .mediaType()
            .orElseThrow(
                () ->
                    ApiException.unsupportedMediaType(
                        "send application/json, an image/* body or multipart/form-data"));
    ImageInput input;
    Options options;
    if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
      JsonNode body = Params.jsonObject(json, request.body());
      options =
          new Options(
              Params.fraction(body, "threshold").orElse(null),
              Params.count(body, "topK", 1000).orElse(null),
              Params.flag(body, "multiLabel").orElse(null));
      if (!body.has("image")) {
        throw ApiException.badRequest("invalid-request", "image is required");
      }
      input = images.fromJson(body.get("image"), target.classifier(), true);
    } else if (mediaType.equals("multipart/form-data")) {
      MultipartForm form = Forms.multipart(request);
      options =
          new Options(
              Params.fraction(field(form, request, "threshold"), "threshold").orElse(null),
              Params.count(field(form, request, "topK"), "topK", 1000).orElse(null),
              Params.flag(field(form, request, "multiLabel"), "multiLabel").orElse(null));
      MultipartForm.Part file =
          form.part("file")
              .orElseThrow(
                  () -> ApiException.badRequest("invalid-request", "the form needs a file part"));
      input = images.fromBytes(file.content());
    } else if (mediaType.startsWith("image/") || mediaType.equals("application/octet-stream")) {
      options = queryOptions(request);
      input = images.fromBytes(request.body());
    } else {
      throw ApiException.unsupportedMediaType(
          "send application/json, an image/* body or multipart/form-data");
    }
    Classification result = target.classifier().classify(input);
    return ApiResponse.json(200, render(request, input, result, options, start));
  }

  /** A query parameter's value, or {@code null}. */
  private static String query(ApiRequest request, String name) {
    return request.queryParameter(name).orElse(null);
  }

  /** A form field's value, else the query parameter's, else {@code null}. */
  private static String field(MultipartForm form, ApiRequest request, String name) {
    return form.text(name).orElseGet(() -> query(request, name));
  }

  private static Options queryOptions(ApiRequest request) {
    return new Options(
        Params.fraction(query(request, "threshold"), "threshold").orElse(null),
        Params.count(query(request, "topK"), "topK", 1000).orElse(null),
        Params.flag(query(request, "multiLabel"), "multiLabel").orElse(null));
  }

  private byte[] render(
      ApiRequest request, ImageInput input, Classification result, Options options, long start) {
    boolean multiLabel = options.multiLabel() != null ? options.multiLabel() : result.multiLabel();
    double threshold = options.threshold() != null ? options.threshold() : config.threshold();
    List<Label> labels = result.labelsAtLeast(threshold);
    // A multi-label answer lists every label over the threshold unless a topK was asked for.
    int topK =
        options.topK() != null ? options.topK() : multiLabel ? Integer.MAX_VALUE : config.topK();
    labels = labels.subList(0, Math.min(topK, labels.size()));

    ObjectNode body = json.createObjectNode();
    body.put("provider", result.provider());
    body.put("model", result.modelId());
    body.put("multiLabel", multiLabel);
    body.put("threshold", threshold);
    result
        .top()
        .ifPresentOrElse(top -> label(body.putObject("top"), top), () -> body.putNull("top"));
    ArrayNode list = body.putArray("labels");
    labels.forEach(l -> label(list.addObject(), l));
    ObjectNode image = body.putObject("image");
    if (result.imageSize() != null) {
      image.put("width", result.imageSize().width());
      image.put("height", result.imageSize().height());
    }
    input.format().ifPresent(f -> image.put("format", f.mediaType()));
    input.size().ifPresent(s -> image.put("bytes", s));
    ObjectNode time = body.putObject("timeMs");
    time.put("classifier", millis(result.elapsed().toNanos()));
    time.put("total", millis(System.nanoTime() - start));
    body.put("requestId", request.requestId());
    return Forms.jsonBytes(body);
  }

  private static void label(ObjectNode node, Label label) {
    node.put("label", label.name());
    node.put("confidence", label.confidence());
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
