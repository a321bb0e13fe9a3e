package io.autotag.shared.provider.onnx;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the classifier needs to know about a model that the ONNX file does not say: how to turn
 * pixels into the input tensor and how to read labels out of the output. It lives in a small JSON
 * file beside the model ({@code model.json}), for example for a torchvision classifier:
 *
 * <pre>{@code
 * {"id": "my-resnet18",
 *  "input": {"name": "input", "width": 224, "height": 224, "layout": "NCHW", "colorOrder": "RGB",
 *            "scale": 0.00392156862745098, "mean": [0.485, 0.456, 0.406],
 *            "std": [0.229, 0.224, 0.225]},
 *  "output": {"name": "logits", "kind": "softmax", "activation": true}}
 * }</pre>
 *
 * <p>A channel value given to the model is {@code (pixel * scale - mean[c]) / std[c]} with {@code
 * pixel} in 0..255. Output kinds: {@code softmax} (one label per image), {@code sigmoid}
 * (independent labels) and {@code heatmap} (a detector's per-class map, {@code [1,H,W,C]} or {@code
 * [1,C,H,W]}: a label's confidence is its maximum over the cells). {@code activation} says whether
 * the classifier must still apply the softmax or sigmoid (the output is logits) or the model
 * already did. An optional {@code inference} object gives the model's default {@link
 * InferenceOptions}, an optional {@code calibration} turns raw scores into calibrated confidences
 * ({@link Calibration}; absent, scores are reported as they are).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelDescriptor(
    String id, Input input, Output output, InferenceOptions inference, Calibration calibration) {

  /** A single stretched pass: what a plain classifier expects. */
  public static final InferenceOptions PLAIN =
      new InferenceOptions(InferenceOptions.Resize.STRETCH, 0.0, false);

  @JsonCreator
  public ModelDescriptor(
      @JsonProperty("id") String id,
      @JsonProperty("input") Input input,
      @JsonProperty("output") Output output,
      @JsonProperty("inference") Inference inference,
      @JsonProperty("calibration") Calibration calibration) {
    this(
        id,
        input,
        output,
        inference == null ? PLAIN : inference.options(),
        calibration == null ? Calibration.NONE : calibration);
  }

  public ModelDescriptor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(inference, "inference");
    Objects.requireNonNull(calibration, "calibration");
  }

  /**
   * The model's default {@link InferenceOptions} ({@code "inference": {"resize": "letterbox",
   * "zoomOut": 0.4, "flip": false}}); absent means one stretched pass. {@code AUTOTAG_ONNX_*}
   * variables override them.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Inference(String resize, Double zoomOut, Boolean flip) {
    InferenceOptions options() {
      return new InferenceOptions(
          resize == null ? PLAIN.resize() : InferenceOptions.Resize.parse(resize),
          zoomOut == null ? PLAIN.zoomOut() : zoomOut,
          flip == null ? PLAIN.flip() : flip);
    }
  }

  /** Tensor layout: batch, then channels first ({@code NCHW}) or last ({@code NHWC}). */
  public enum Layout {
    NCHW,
    NHWC;

    @JsonCreator
    static Layout parse(String value) {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
  }

  /** Channel order the model expects. */
  public enum ColorOrder {
    RGB,
    BGR;

    @JsonCreator
    static ColorOrder parse(String value) {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
  }

  /** How scores come out of the model. */
  public enum OutputKind {
    SOFTMAX("softmax"),
    SIGMOID("sigmoid"),
    HEATMAP("heatmap");

    private final String json;

    OutputKind(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }

    @JsonCreator
    static OutputKind parse(String value) {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** Whether labels are independent (several can be true at once). */
    public boolean multiLabel() {
      return this != SOFTMAX;
    }
  }

  /** The image input: tensor name, spatial size, layout, colour order and normalisation. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Input(
      String name,
      int width,
      int height,
      Layout layout,
      ColorOrder colorOrder,
      double scale,
      double[] mean,
      double[] std) {

    @JsonCreator
    public Input(
        @JsonProperty("name") String name,
        @JsonProperty("width") int width,
        @JsonProperty("height") int height,
        @JsonProperty("layout") Layout layout,
        @JsonProperty("colorOrder") ColorOrder colorOrder,
        @JsonProperty("scale") Double scale,
        @JsonProperty("mean") double[] mean,
        @JsonProperty("std") double[] std) {
      this(
          name,
          width,
          height,
          layout,
          colorOrder,
          scale == null ? 1.0 : scale,
          mean == null ? new double[] {0, 0, 0} : mean.clone(),
          std == null ? new double[] {1, 1, 1} : std.clone());
    }

    public Input {
      Objects.requireNonNull(name, "input.name");
      layout = layout == null ? Layout.NCHW : layout;
      colorOrder = colorOrder == null ? ColorOrder.RGB : colorOrder;
    }

    /** The tensor shape for one image. */
    public long[] shape() {
      return layout == Layout.NCHW
          ? new long[] {1, 3, height, width}
          : new long[] {1, height, width, 3};
    }

    public int elements() {
      return 3 * width * height;
    }
  }

  /** The output to read and what kind of scores it holds. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Output(String name, OutputKind kind, boolean activation, Layout layout) {

    @JsonCreator
    public Output(
        @JsonProperty("name") String name,
        @JsonProperty("kind") OutputKind kind,
        @JsonProperty("activation") Boolean activation,
        @JsonProperty("layout") Layout layout) {
      this(
          name,
          kind,
          activation == null ? kind != OutputKind.HEATMAP : activation,
          layout == null ? Layout.NHWC : layout);
    }

    public Output {
      Objects.requireNonNull(name, "output.name");
      Objects.requireNonNull(kind, "output.kind");
      Objects.requireNonNull(layout, "output.layout");
    }
  }

  /** Parses and validates a descriptor; the exception message lists every problem found. */
  public static ModelDescriptor parse(byte[] json, ObjectMapper mapper)
      throws InvalidDescriptorException {
    ModelDescriptor descriptor;
    try {
      descriptor = mapper.readValue(json, ModelDescriptor.class);
    } catch (IOException | RuntimeException e) {
      throw new InvalidDescriptorException("is not a valid model descriptor: " + rootMessage(e), e);
    }
    List<String> problems = descriptor.problems();
    if (!problems.isEmpty()) {
      throw new InvalidDescriptorException(String.join("; ", problems), null);
    }
    return descriptor;
  }

  /** What is wrong with this descriptor, empty when it is usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (input.width() < 1 || input.height() < 1 || input.width() > 4096 || input.height() > 4096) {
      problems.add("input width and height must be between 1 and 4096");
    }
    if (input.mean().length != 3 || input.std().length != 3) {
      problems.add("input mean and std must have 3 values");
    } else {
      for (double s : input.std()) {
        if (!(s > 0)) {
          problems.add("input std values must be positive");
          break;
        }
      }
    }
    if (!(input.scale() > 0)) {
      problems.add("input scale must be positive");
    }
    problems.addAll(calibration.problems());
    return problems;
  }

  private static String rootMessage(Throwable e) {
    // Jackson messages can quote the document; keep only the first line, never the whole input.
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** A descriptor that cannot be used. */
  public static final class InvalidDescriptorException extends Exception {
    public InvalidDescriptorException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
