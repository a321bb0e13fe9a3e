package io.autotag.shared.provider.onnx;

import io.autotag.shared.config.Settings;
import io.autotag.shared.image.ImageDecoder;
import java.util.Optional;

/**
 * Configuration of the {@code onnx} provider, read from the environment.
 *
 * <ul>
 *   <li>{@code AUTOTAG_ONNX_MODEL}: the model, {@code classpath:...}, a file path or {@code
 *       s3://bucket/key}; default the bundled COCO-80 tagger.
 *   <li>{@code AUTOTAG_ONNX_LABELS}, {@code AUTOTAG_ONNX_DESCRIPTOR}: the labels file (one per
 *       line, in output order) and the {@link ModelDescriptor}; default {@code labels.txt} and
 *       {@code model.json} beside the model.
 *   <li>{@code AUTOTAG_ONNX_THREADS}: ONNX Runtime intra-op threads per inference (default 1).
 *   <li>{@code AUTOTAG_MAX_PIXELS}: largest image, in pixels, the decoder accepts.
 *   <li>{@code AUTOTAG_ONNX_RESIZE} ({@code stretch}|{@code letterbox}), {@code
 *       AUTOTAG_ONNX_ZOOM_OUT} (0 or 0.2-0.95) and {@code AUTOTAG_ONNX_FLIP}: see {@link
 *       InferenceOptions}. Unset, they take the model's own defaults from its descriptor (for the
 *       bundled model, the ones measured best in {@code model/MODEL_CARD.md}).
 * </ul>
 *
 * <p>{@code resize}, {@code zoomOut} and {@code flip} are {@code null} when unset.
 */
public record OnnxSettings(
    ResourceLocation model,
    ResourceLocation labels,
    ResourceLocation descriptor,
    int threads,
    long maxPixels,
    InferenceOptions.Resize resize,
    Double zoomOut,
    Boolean flip) {

  public static final String MODEL = "AUTOTAG_ONNX_MODEL";
  public static final String LABELS = "AUTOTAG_ONNX_LABELS";
  public static final String DESCRIPTOR = "AUTOTAG_ONNX_DESCRIPTOR";
  public static final String THREADS = "AUTOTAG_ONNX_THREADS";
  public static final String MAX_PIXELS = ImageDecoder.MAX_PIXELS_VARIABLE;
  public static final String RESIZE = "AUTOTAG_ONNX_RESIZE";
  public static final String ZOOM_OUT = "AUTOTAG_ONNX_ZOOM_OUT";
  public static final String FLIP = "AUTOTAG_ONNX_FLIP";

  /** The bundled model. */
  public static final String BUNDLED_MODEL = "classpath:io/autotag/models/coco80/model.onnx";

  static final String LABELS_FILE = "labels.txt";
  static final String DESCRIPTOR_FILE = "model.json";

  /** Reads the settings, recording every problem in {@code settings}. */
  public static OnnxSettings from(Settings settings) {
    ResourceLocation model = location(settings, MODEL, BUNDLED_MODEL);
    ResourceLocation labels =
        optionalLocation(settings, LABELS).orElseGet(() -> model.sibling(LABELS_FILE));
    ResourceLocation descriptor =
        optionalLocation(settings, DESCRIPTOR).orElseGet(() -> model.sibling(DESCRIPTOR_FILE));
    int threads = settings.integer(THREADS, 1, 1, 64);
    long maxPixels =
        settings.longValue(MAX_PIXELS, ImageDecoder.DEFAULT_MAX_PIXELS, 1, 1_000_000_000L);
    InferenceOptions.Resize resize = null;
    Optional<String> rawResize = settings.optional(RESIZE);
    if (rawResize.isPresent()) {
      try {
        resize = InferenceOptions.Resize.parse(rawResize.get());
      } catch (IllegalArgumentException e) {
        settings.problem(RESIZE + " must be stretch or letterbox");
      }
    }
    Double zoomOut = null;
    if (settings.optional(ZOOM_OUT).isPresent()) {
      double value = settings.decimal(ZOOM_OUT, 0.0, 0.0, 0.95);
      if (value != 0 && value < 0.2) {
        settings.problem(ZOOM_OUT + " must be 0 (off) or between 0.2 and 0.95");
      } else {
        zoomOut = value;
      }
    }
    Boolean flip = settings.optional(FLIP).isPresent() ? settings.bool(FLIP, false) : null;
    return new OnnxSettings(model, labels, descriptor, threads, maxPixels, resize, zoomOut, flip);
  }

  /** The model's own inference defaults with whatever the environment overrides. */
  public InferenceOptions options(InferenceOptions modelDefaults) {
    return new InferenceOptions(
        resize != null ? resize : modelDefaults.resize(),
        zoomOut != null ? zoomOut : modelDefaults.zoomOut(),
        flip != null ? flip : modelDefaults.flip());
  }

  private static ResourceLocation location(Settings settings, String name, String fallback) {
    return optionalLocation(settings, name).orElseGet(() -> ResourceLocation.parse(fallback));
  }

  private static Optional<ResourceLocation> optionalLocation(Settings settings, String name) {
    Optional<String> raw = settings.optional(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ResourceLocation.parse(raw.get()));
    } catch (IllegalArgumentException e) {
      settings.problem(name + " " + e.getMessage());
      return Optional.empty();
    }
  }
}
