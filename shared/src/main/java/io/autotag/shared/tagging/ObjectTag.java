package io.autotag.shared.tagging;

import java.util.Objects;

/** One S3 object tag. */
public record ObjectTag(String key, String value) {

  public ObjectTag {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
