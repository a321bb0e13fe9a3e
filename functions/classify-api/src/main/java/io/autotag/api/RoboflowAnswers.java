package io.autotag.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ImageSize;
import io.autotag.shared.classify.Label;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a classification in Roboflow's response shapes exactly as Roboflow's Inference server does
 * ({@code ClassificationInferenceResponse} and {@code MultiLabelClassificationInferenceResponse},
 * post-processed as its classification model base does, serialised without null fields):
 *
 * <ul>
 *   <li>single-label: {@code predictions} holds the classes whose score is at least the confidence,
 *       each {@code {"class", "class_id", "confidence"}} with the confidence rounded to 4 decimals,
 *       sorted by it (ties in class order); {@code top} and {@code confidence} are the first of
 *       that list ({@code ""} and {@code 0.0} when it is empty);
 *   <li>multi-label: {@code predictions} holds every class, {@code {"confidence", "class_id"}}, and
 *       {@code predicted_classes} the classes strictly above the confidence;
 *   <li>both: {@code inference_id}, {@code time} (seconds) and {@code image} ({@code width}, {@code
 *       height}).
 * </ul>
 *
 * <p>A class's {@code class_id} is its position in the model's class list when the provider reports
 * that list ({@link Classification#classes()}: the embedded model, a Roboflow server); a provider
 * that only names its best labels (Rekognition, Einstein) has no class list, so the id is a stable
 * number derived from the name (its non-negative {@link String#hashCode()}), the same in every
 * answer.
 */
final class RoboflowAnswers {

  /** The confidence both Roboflow routes default to when the request gives none. */
  static final double DEFAULT_CONFIDENCE = 0.4;

  /**
   * What {@code "best"} and {@code "default"} mean on a single-label model: Roboflow's
   * classification post-processing has no per-class thresholds there and falls back to 0.5.
   */
  static final double NAMED_SINGLE_LABEL = 0.5;

  private final ObjectMapper json;
  private final double multiLabelDefault;

  /**
   * @param multiLabelDefault what {@code "best"} and {@code "default"} mean on a multi-label model:
   *     the model's own threshold ({@code AUTOTAG_API_MULTI_LABEL_THRESHOLD})
   */
  RoboflowAnswers(ObjectMapper json, double multiLabelDefault) {
    this.json = json;
    this.multiLabelDefault = multiLabelDefault;
  }

  /** The threshold a request's confidence means for this kind of model. */
  double threshold(RoboflowValidation.Confidence confidence, boolean multiLabel) {
    return switch (confidence) {
      case RoboflowValidation.Confidence.Threshold t -> t.value();
      case RoboflowValidation.Confidence.Named n ->
          multiLabel ? multiLabelDefault : NAMED_SINGLE_LABEL;
    };
  }

  ObjectNode render(
      Classification result,
      boolean multiLabel,
      ImageSize size,
      RoboflowValidation.Confidence confidence,
      String inferenceId,
      double seconds) {
    double threshold = threshold(confidence, multiLabel);
    List<IdentifiedClass> classes = classes(result);
    ObjectNode out = json.createObjectNode();
    out.put("inference_id", inferenceId);
    out.put("time", seconds);
    // Roboflow always reports the size; 0 x 0 only where no reader knows the format's header.
    out.putObject("image")
        .put("width", size == null ? 0 : size.width())
        .put("height", size == null ? 0 : size.height());
    if (multiLabel) {
      ObjectNode predictions = out.putObject("predictions");
      ArrayNode predicted = json.createArrayNode();
      for (IdentifiedClass c : classes) {
        predictions.putObject(c.name()).put("confidence", c.score()).put("class_id", c.id());
        if (c.score() > threshold) { // strictly above, as Roboflow's make_response
          predicted.add(c.name());
        }
      }
      out.set("predicted_classes", predicted);
    } else {
      List<IdentifiedClass> kept = new ArrayList<>();
      for (IdentifiedClass c : classes) {
        if (!(c.score() < threshold)) {
          kept.add(new IdentifiedClass(c.name(), c.id(), round4(c.score())));
        }
      }
      // A stable sort on the rounded confidence, as Python's sorted(..., reverse=True).
      kept.sort(Comparator.comparingDouble(IdentifiedClass::score).reversed());
      ArrayNode predictions = out.putArray("predictions");
      for (IdentifiedClass c : kept) {
        predictions
            .addObject()
            .put("class", c.name())
            .put("class_id", c.id())
            .put("confidence", c.score());
      }
      out.put("top", kept.isEmpty() ? "" : kept.getFirst().name());
      out.put("confidence", kept.isEmpty() ? 0.0 : kept.getFirst().score());
    }
    return out;
  }

  private record IdentifiedClass(String name, int id, double score) {}

  /** Every class the result knows, in the model's order, with its id. */
  private static List<IdentifiedClass> classes(Classification result) {
    List<IdentifiedClass> all = new ArrayList<>();
    if (!result.classes().isEmpty()) {
      for (int i = 0; i < result.classes().size(); i++) {
        Label label = result.classes().get(i);
        all.add(new IdentifiedClass(label.name(), i, label.confidence()));
      }
    } else {
      for (Label label : result.labels()) {
        all.add(new IdentifiedClass(label.name(), stableId(label.name()), label.confidence()));
      }
    }
    return all;
  }

  /** The class id of a label from a provider without a class list. */
  static int stableId(String name) {
    return name.hashCode() & Integer.MAX_VALUE;
  }

  /** Python's {@code round(x, 4)}: the exact binary value, half to even. */
  static double round4(double value) {
    return new BigDecimal(value).setScale(4, RoundingMode.HALF_EVEN).doubleValue();
  }
}
