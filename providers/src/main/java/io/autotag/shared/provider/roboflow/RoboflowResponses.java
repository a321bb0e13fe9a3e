package io.autotag.shared.provider.roboflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.classify.ImageSize;
import io.autotag.shared.classify.Label;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Roboflow's classification responses, as its Inference server's response models define them.
 * Single-label: {@code predictions} is an array of {@code {class, class_id, confidence}};
 * multi-label: {@code predictions} is an object of {@code class -> {confidence, class_id}} with
 * {@code predicted_classes} beside it. A request for a list of images is answered with a list; we
 * send one image, so a list of one answer is read as that answer. Unknown fields are ignored; a
 * missing or out-of-range confidence makes the response malformed rather than silently wrong.
 *
 * @see <a
 *     href="https://github.com/roboflow/inference/blob/main/inference/core/entities/responses/inference.py">Roboflow's
 *     response models</a>
 */
final class RoboflowResponses {

  /**
   * What a response said.
   *
   * @param labels every prediction the server returned
   * @param imageSize the image's size as the server read it, {@code null} when it did not say
   * @param predictedClasses a multi-label answer's {@code predicted_classes}: the server's verdict;
   *     {@code null} when the answer has none
   * @param classes every class in {@code class_id} order, when the ids number the classes 0..n-1
   */
  record Parsed(
      List<Label> labels,
      boolean multiLabel,
      ImageSize imageSize,
      List<String> predictedClasses,
      List<Label> classes) {}

  /** The response is not a classification response. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  private RoboflowResponses() {}

  static Parsed parse(JsonNode root) throws MalformedException {
    if (root != null && root.isArray()) {
      if (root.size() != 1) {
        throw new MalformedException("a list of " + root.size() + " answers for one image");
      }
      root = root.get(0);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedException("not a JSON object");
    }
    JsonNode predictions = root.get("predictions");
    List<Label> labels = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    boolean multiLabel;
    if (predictions != null && predictions.isArray()) {
      multiLabel = false;
      for (JsonNode prediction : predictions) {
        labels.add(label(prediction.path("class").asText(""), prediction.get("confidence")));
        ids.add(classId(prediction));
      }
    } else if (predictions != null && predictions.isObject()) {
      multiLabel = true;
      for (Map.Entry<String, JsonNode> entry : predictions.properties()) {
        labels.add(label(entry.getKey(), entry.getValue().get("confidence")));
        ids.add(classId(entry.getValue()));
      }
    } else {
      throw new MalformedException("no predictions array or object");
    }
    return new Parsed(
        labels,
        multiLabel,
        imageSize(root.get("image")).orElse(null),
        predictedClasses(root.get("predicted_classes")).orElse(null),
        classes(labels, ids));
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

  private static Integer classId(JsonNode prediction) {
    JsonNode id = prediction.get("class_id");
    return id != null && id.canConvertToInt() && id.isIntegralNumber() ? id.asInt() : null;
  }

  /** The model's class list, when the answer's ids number every class exactly once. */
  private static List<Label> classes(List<Label> labels, List<Integer> ids) {
    Label[] byId = new Label[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      Integer id = ids.get(i);
      if (id == null || id < 0 || id >= byId.length || byId[id] != null) {
        return List.of();
      }
      byId[id] = labels.get(i);
    }
    return List.of(byId);
  }

  private static Optional<List<String>> predictedClasses(JsonNode node) {
    if (node == null || !node.isArray()) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    node.forEach(n -> names.add(n.asText()));
    return Optional.of(List.copyOf(names));
  }

  private static Optional<ImageSize> imageSize(JsonNode image) {
    if (image == null || !image.path("width").canConvertToInt()) {
      return Optional.empty();
    }
    int width = image.path("width").asInt(0);
    int height = image.path("height").asInt(0);
    return width > 0 && height > 0 ? Optional.of(new ImageSize(width, height)) : Optional.empty();
  }

  /**
   * The explanation in an error body: Roboflow's {@code message}, an {@code error}, or FastAPI's
   * {@code detail}, a text or a list of validation items ({@code loc} and {@code msg} each).
   */
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
      if (node.isArray() && !node.isEmpty()) {
        List<String> items = new ArrayList<>();
        for (JsonNode item : node) {
          List<String> where = new ArrayList<>();
          item.path("loc").forEach(part -> where.add(part.asText()));
          String msg = item.path("msg").asText("");
          items.add(where.isEmpty() ? msg : String.join(".", where) + ": " + msg);
        }
        return String.join("; ", items);
      }
    }
    return "";
  }
}
