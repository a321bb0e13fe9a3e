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
import java.util.List;
import java.util.Optional;

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

  private record Options(
      Optional<Double> threshold, Optional<Integer> topK, Optional<Boolean> multiLabel) {}

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
              Params.fraction(body, "threshold"),
              Params.count(body, "topK", 1000),
              Params.flag(body, "multiLabel"));
      if (!body.has("image")) {
        throw ApiException.badRequest("invalid-request", "image is required");
      }
      input = images.fromJson(body.get("image"), target.classifier(), true);
    } else if (mediaType.equals("multipart/form-data")) {
      MultipartForm form = Forms.multipart(request);
      options =
          new Options(
              Params.fraction(
                  form.text("threshold").or(() -> query(request, "threshold")), "threshold"),
              Params.count(form.text("topK").or(() -> query(request, "topK")), "topK", 1000),
              Params.flag(
                  form.text("multiLabel").or(() -> query(request, "multiLabel")), "multiLabel"));
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

  private static Optional<String> query(ApiRequest request, String name) {
    return request.queryParameter(name);
  }

  private static Options queryOptions(ApiRequest request) {
    return new Options(
        Params.fraction(query(request, "threshold"), "threshold"),
        Params.count(query(request, "topK"), "topK", 1000),
        Params.flag(query(request, "multiLabel"), "multiLabel"));
  }

  private byte[] render(
      ApiRequest request, ImageInput input, Classification result, Options options, long start) {
    boolean multiLabel = options.multiLabel().orElse(result.multiLabel());
    double threshold = options.threshold().orElse(config.threshold());
    List<Label> labels = result.labelsAtLeast(threshold);
    // A multi-label answer lists every label over the threshold unless a topK was asked for.
    int topK = options.topK().orElse(multiLabel ? Integer.MAX_VALUE : config.topK());
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
