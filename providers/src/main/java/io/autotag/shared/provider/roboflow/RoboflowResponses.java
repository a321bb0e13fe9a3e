package io.autotag.shared.provider.roboflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.classify.ImageSize;
import io.autotag.shared.classify.Label;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Roboflow's classification responses. Single-label: {@code predictions} is an array of
 * {@code {class, confidence}}; multi-label: {@code predictions} is an object of {@code class ->
 * {confidence}} (with {@code predicted_classes} beside it). Unknown fields are ignored; a missing
 * or out-of-range confidence makes the response malformed rather than silently wrong.
 */
final class RoboflowResponses {

  /** What a response said. */
  record Parsed(List<Label> labels, boolean multiLabel, Optional<ImageSize> imageSize) {}

  /** The response is not a classification response. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  private RoboflowResponses() {}

  static Parsed parse(JsonNode root) throws MalformedException {
    if (root == null || !root.isObject()) {
      throw new MalformedException("not a JSON object");
    }
    // The Inference server answers a list when the request held a list of images.
    JsonNode predictions = root.get("predictions");
    List<Label> labels = new ArrayList<>();
    boolean multiLabel;
    if (predictions != null && predictions.isArray()) {
      multiLabel = false;
      for (JsonNode prediction : predictions) {
        labels.add(label(prediction.path("class").asText(""), prediction.get("confidence")));
      }
    } else if (predictions != null && predictions.isObject()) {
      multiLabel = true;
      for (Map.Entry<String, JsonNode> entry : predictions.properties()) {
        labels.add(label(entry.getKey(), entry.getValue().get("confidence")));
      }
    } else {
      throw new MalformedException("no predictions array or object");
    }
    return new Parsed(labels, multiLabel, imageSize(root.get("image")));
  }

  private static Label label(String name, JsonNode confidence) throws MalformedException {
    if (name.isBlank()) {
      throw new MalformedException("a prediction has no class");
    }
    if (confidence == null || !confidence.isNumber()) {
      throw new MalformedException("a prediction has no numeric confidence");
    }
    double value = confidence.asDouble();
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new MalformedException("a confidence is outside 0..1");
    }
    return new Label(name, value);
  }

  private static Optional<ImageSize> imageSize(JsonNode image) {
    if (image == null || !image.path("width").canConvertToInt()) {
      return Optional.empty();
    }
    int width = image.path("width").asInt(0);
    int height = image.path("height").asInt(0);
    return width > 0 && height > 0 ? Optional.of(new ImageSize(width, height)) : Optional.empty();
  }

  /** The explanation in an error body: {@code message}, {@code error} or {@code detail}. */
  static String errorMessage(JsonNode root) {
    if (root == null || !root.isObject()) {
      return "";
    }
    for (String field : List.of("message", "error", "detail")) {
      JsonNode node = root.get(field);
      if (node == null) {
        continue;
      }
      if (node.isTextual()) {
        return node.asText();
      }
      if (node.isObject() && node.path("message").isTextual()) {
        return node.path("message").asText();
      }
    }
    return "";
  }
}
