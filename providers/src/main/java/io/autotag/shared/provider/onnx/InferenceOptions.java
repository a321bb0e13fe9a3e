package io.autotag.shared.provider.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How an image is fitted to the model's input and which extra passes run. A detector used as a
 * tagger finds objects by their centres; an object that fills the frame (a close-up) has its centre
 * at the image centre but is larger than anything it saw in training, so an extra pass with the
 * image shrunk inside a padded canvas ({@code zoomOut}) and a mirrored pass ({@code flip}) can
 * recover it. Passes are combined by the per-class maximum (multi-label) or mean (softmax).
 *
 * @param resize how the image fills the input: stretched to it, or letterboxed (aspect kept,
 *     padded)
 * @param zoomOut 0 for no zoomed-out pass, otherwise the fraction (0.2-0.95) of the input the image
 *     occupies in the extra pass
 * @param flip whether to add a horizontally mirrored pass
 */
public record InferenceOptions(Resize resize, double zoomOut, boolean flip) {

  /** Fitting modes. */
  public enum Resize {
    STRETCH,
    LETTERBOX;

    public static Resize parse(String value) {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
  }

  public InferenceOptions {
    if (zoomOut != 0 && !(zoomOut >= 0.2 && zoomOut <= 0.95)) {
      throw new IllegalArgumentException("zoomOut must be 0 or between 0.2 and 0.95");
    }
  }

  /** One pass: the rectangle of the input the image is drawn into, optionally mirrored. */
  record Pass(double fill, boolean letterbox, boolean mirrored) {}

  /** The passes to run, the plain one first. */
  List<Pass> passes() {
    List<Pass> passes = new ArrayList<>();
    boolean letterbox = resize == Resize.LETTERBOX;
    passes.add(new Pass(1.0, letterbox, false));
    if (flip) {
      passes.add(new Pass(1.0, letterbox, true));
    }
    if (zoomOut > 0) {
      passes.add(new Pass(zoomOut, letterbox, false));
    }
    return passes;
  }
}
