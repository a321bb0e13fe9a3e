package io.autotag.shared.classify;

import java.util.Objects;

/**
 * One predicted class and the provider's confidence in it, normalised to 0..1 whatever scale the
 * provider uses (Rekognition answers 0..100).
 */
public record Label(String name, double confidence) {

  public Label {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("label name is blank");
    }
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
      throw new IllegalArgumentException("confidence must be in 0..1, was " + confidence);
    }
  }
}
