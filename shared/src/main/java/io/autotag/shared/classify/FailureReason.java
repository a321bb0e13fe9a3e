package io.autotag.shared.classify;

/**
 * Why an image could not be classified, in words short enough for an S3 tag value and stable enough
 * for a lifecycle rule or a dashboard to match on.
 */
public enum FailureReason {
  /** The bytes are not an image format autotag or the provider understands. */
  UNSUPPORTED_TYPE("unsupported-type", false),
  /** The object has no bytes. */
  EMPTY("empty", false),
  /** The image is truncated or its data is damaged. */
  CORRUPT("corrupt-image", false),
  /** The object is larger than any configured provider accepts. */
  TOO_LARGE("too-large", false),
  /** The image has more pixels than the configured limit (decompression bomb guard). */
  TOO_MANY_PIXELS("too-many-pixels", false),
  /** The object was deleted (or overwritten) before it could be processed. */
  GONE("object-gone", false),
  /** The provider refused the request for a reason a retry will not change (bad model id...). */
  REJECTED("provider-rejected", false),
  /** The provider refused our credentials. */
  UNAUTHORIZED("provider-unauthorized", false),
  /** The provider is throttling us. */
  THROTTLED("provider-throttled", true),
  /** The provider is down, answered 5xx, or timed out. */
  UNAVAILABLE("provider-unavailable", true);

  private final String code;
  private final boolean retryable;

  FailureReason(String code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  /** The tag-safe code, for example {@code unsupported-type}. */
  public String code() {
    return code;
  }

  /** Whether trying again later can succeed. */
  public boolean retryable() {
    return retryable;
  }
}
