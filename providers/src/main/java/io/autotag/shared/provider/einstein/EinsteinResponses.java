package io.autotag.shared.provider.einstein;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.classify.Label;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Einstein Vision's prediction response: {@code {"probabilities": [{"label", "probability"},
 * ...], "object": "predictresponse", "sampleId"?}}. A missing array, a label without a value, a
 * probability outside 0..1 or an answer for another sample makes it malformed rather than silently
 * wrong; unknown fields are ignored.
 *
 * @see <a
 *     href="https://developer.salesforce.com/docs/analytics/einstein-vision-language/references/einstein-vision-and-language-api">Einstein
 *     Vision API reference</a>
 */
final class EinsteinResponses {

  /** The response is not a prediction response for our sample. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  private EinsteinResponses() {}

  /** The labels of a successful response ({@code root} null when the body was not JSON). */
  static List<Label> labels(JsonNode root, String sampleId) throws MalformedException {
    if (root == null || !root.path("probabilities").isArray()) {
      throw new MalformedException("no probabilities array");
    }
    JsonNode echoed = root.get("sampleId");
    if (echoed != null && echoed.isTextual() && !echoed.asText().equals(sampleId)) {
      throw new MalformedException("the reply is for another sample");
    }
    List<Label> labels = new ArrayList<>();
    for (JsonNode probability : root.path("probabilities")) {
      String label = probability.path("label").asText("");
      JsonNode value = probability.get("probability");
      if (label.isBlank() || value == null || !value.isNumber()) {
        throw new MalformedException("a probability has no label or value");
      }
      double p = value.asDouble();
      if (!(p >= 0.0 && p <= 1.0)) {
        throw new MalformedException("a probability is outside 0..1");
      }
      labels.add(new Label(label, p));
    }
    return labels;
  }
}
