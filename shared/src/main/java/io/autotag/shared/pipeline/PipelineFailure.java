package io.autotag.shared.pipeline;

import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Why the pipeline itself, not the provider, could not finish an object: S3 or the review queue
 * kept failing, or an unexpected error. It is the {@code reason} tag of an object tagged {@code
 * failed} on the trigger's last delivery (beside the provider's own {@code provider-throttled} and
 * {@code provider-unavailable}), so every retryable failure leaves a reason where a tag can still
 * be written.
 */
public enum PipelineFailure {
  /** S3 answered {@code 503 SlowDown} or another throttling error. */
  S3_THROTTLED("s3-throttled"),
  /** S3 answered 5xx, timed out or could not be reached. */
  S3_UNAVAILABLE("s3-unavailable"),
  /**
   * S3 refused the request (403 access denied, an archived object, a missing bucket...): no quick
   * retry changes it, but a fixed permission or a restored object does, so it is retried like the
   * others.
   */
  S3_REFUSED("s3-refused"),
  /** The review message could not be queued, so the object cannot say {@code review}. */
  REVIEW_QUEUE_UNAVAILABLE("review-queue-unavailable"),
  /** Anything else: a bug, whose details are in the log line and the dead-letter queue. */
  INTERNAL_ERROR("internal-error");

  /** 4xx answers that a retry can get past (AWS retries them too). */
  private static final Set<String> RETRYABLE_CLIENT_CODES =
      Set.of(
          "RequestTimeout",
          "RequestTimeoutException",
          "PriorRequestNotComplete",
          "OperationAborted");

  private final String code;

  PipelineFailure(String code) {
    this.code = code;
  }

  /** The tag-safe code, for example {@code s3-unavailable}. */
  public String code() {
    return code;
  }

  /** The reason an S3 call's failure (or any other unexpected error) earns. */
  public static PipelineFailure of(Throwable error) {
    if (error instanceof AwsServiceException e) {
      if (e.isThrottlingException()) {
        return S3_THROTTLED;
      }
      return isTransient(e) ? S3_UNAVAILABLE : S3_REFUSED;
    }
    if (error instanceof SdkClientException || error instanceof UncheckedIOException) {
      return S3_UNAVAILABLE;
    }
    return INTERNAL_ERROR;
  }

  /**
   * Whether trying the same call again in a moment can succeed: the SDK could not reach S3 or read
   * its answer, or S3 answered 5xx, throttled, timed out or met a conflicting operation.
   */
  static boolean isTransient(Throwable error) {
    if (error instanceof SdkClientException || error instanceof UncheckedIOException) {
      return true;
    }
    if (!(error instanceof AwsServiceException e)) {
      return false;
    }
    int status = e.statusCode();
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return status >= 500
        || status == 408
        || status == 409
        || status == 429
        || e.isThrottlingException()
        || RETRYABLE_CLIENT_CODES.contains(code);
  }
}
