package io.autotag.shared.provider.onnx;

import java.util.Arrays;

/**
 * How the {@link ModelDescriptor.Output} a descriptor names becomes per-class scores (0..1): the
 * heatmap's maximum per class, the softmax or sigmoid the descriptor asks for when the model gives
 * logits, and how several passes over one image combine (softmax: averaged, independent labels: the
 * highest).
 */
final class OutputScores {

  private OutputScores() {}

  /** Number of classes an output shape declares, or -1 when dynamic or unknown. */
  static long classCount(ModelDescriptor.Output output, long[] shape) {
    if (output.kind() == ModelDescriptor.OutputKind.HEATMAP) {
      if (shape.length != 4) {
        return -1;
      }
      return output.layout() == ModelDescriptor.Layout.NHWC ? shape[3] : shape[1];
    }
    return shape.length == 0 ? -1 : shape[shape.length - 1];
  }

  /** Scores from one output tensor's values, after the descriptor's activation. */
  static float[] decode(ModelDescriptor.Output output, float[] raw, int classes) {
    float[] scores = new float[classes];
    if (output.kind() == ModelDescriptor.OutputKind.HEATMAP) {
      Arrays.fill(scores, Float.NEGATIVE_INFINITY);
      int cells = raw.length / classes;
      if (output.layout() == ModelDescriptor.Layout.NHWC) {
        for (int cell = 0, i = 0; cell < cells; cell++) {
          for (int c = 0; c < classes; c++, i++) {
            if (raw[i] > scores[c]) {
              scores[c] = raw[i];
            }
          }
        }
      } else {
        for (int c = 0, i = 0; c < classes; c++) {
          float max = Float.NEGATIVE_INFINITY;
          for (int cell = 0; cell < cells; cell++, i++) {
            max = Math.max(max, raw[i]);
          }
          scores[c] = max;
        }
      }
      if (output.activation()) {
        sigmoid(scores);
      }
      return scores;
    }
    System.arraycopy(raw, 0, scores, 0, classes);
    if (output.activation()) {
      if (output.kind() == ModelDescriptor.OutputKind.SOFTMAX) {
        softmax(scores);
      } else {
        sigmoid(scores);
      }
    }
    return scores;
  }

  /** Adds one more pass's scores into {@code into}. */
  static void combine(ModelDescriptor.Output output, float[] into, float[] scores) {
    boolean softmax = output.kind() == ModelDescriptor.OutputKind.SOFTMAX;
    for (int i = 0; i < into.length; i++) {
      into[i] = softmax ? into[i] + scores[i] : Math.max(into[i], scores[i]);
    }
  }

  /** Ends a combination of {@code passes} passes: softmax scores are averaged. */
  static void finish(ModelDescriptor.Output output, float[] combined, int passes) {
    if (output.kind() == ModelDescriptor.OutputKind.SOFTMAX && passes > 1) {
      for (int i = 0; i < combined.length; i++) {
        combined[i] /= passes;
      }
    }
  }

  private static void sigmoid(float[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (1.0 / (1.0 + Math.exp(-values[i])));
    }
  }

  private static void softmax(float[] values) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) Math.exp(values[i] - max);
      sum += values[i];
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (values[i] / sum);
    }
  }
}
