package io.autotag.shared.tagging;

import java.util.Optional;

/** The value of the {@code status} tag: what autotag concluded about an object. */
public enum TagStatus {
  /** Labelled with confidence at or above the review threshold. */
  CLASSIFIED("classified"),
  /** Labelled, but unsure: a review message was queued and a person decides. */
  REVIEW("review"),
  /**
   * Reviewed by a person; the labels are the reviewer's verdict. Settled like the others: the
   * tagger never replaces it for the same content (only new content under the key is classified).
   */
  REVIEWED("reviewed"),
  /** Not classified for a permanent reason given in the {@code reason} tag. */
  SKIPPED("skipped"),
  /** Classification kept failing (provider down) and retries are exhausted; see {@code reason}. */
  FAILED("failed");

  private final String value;

  TagStatus(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /** Whether an object with this status needs no more work for its current content. */
  public boolean settled() {
    return this != FAILED;
  }

  /** Whether a person decided this status, so nothing automatic may replace it. */
  public boolean byPerson() {
    return this == REVIEWED;
  }

  public static Optional<TagStatus> fromValue(String value) {
    for (TagStatus status : values()) {
      if (status.value.equals(value)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
