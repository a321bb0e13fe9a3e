package io.autotag.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.review.Feedback;
import io.autotag.shared.review.ReviewMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SnapStart priming: before the snapshot, run the request paths that read nothing, write nothing
 * and need no secret (the page, its configuration, an API call without credentials, which stops at
 * the 401) plus SDK marshalling and the JSON of review messages and feedback, so they are loaded
 * and compiled in the snapshot. Nothing here reads the clock into state, makes random values, reads
 * secrets or calls AWS.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">
 *     SnapStart runtime hooks</a>
 */
final class ReviewPriming implements Resource {

  private final ReviewRouter router;
  private final ObjectMapper json;
  private final Metrics metrics;

  ReviewPriming(ReviewRouter router, ObjectMapper json) {
    this(router, json, Metrics.off());
  }

  ReviewPriming(ReviewRouter router, ObjectMapper json, Metrics metrics) {
    this.router = router;
    this.json = json;
    this.metrics = metrics;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to refresh: clients resolve credentials lazily, secrets are read on first use.
  }

  /** Runs the priming paths; returns the statuses the requests got (for tests). */
  List<Integer> prime() {
    SdkWarmUp.warmUp(S3Client.class, SqsClient.class);
    ReviewMessage message =
        new ReviewMessage(
            ReviewMessage.SCHEMA,
            "priming",
            "key",
            null,
            "0",
            1L,
            "image/jpeg",
            "p",
            "m",
            List.of(new ReviewMessage.Prediction("label", 0.5)),
            0.5,
            "low-confidence",
            "1970-01-01T00:00:00Z");
    try {
      byte[] bytes = json.writeValueAsBytes(message);
      json.readValue(bytes, ReviewMessage.class);
      json.writeValueAsBytes(
          Feedback.of(message, List.of("label"), null, "priming", Instant.EPOCH, Instant.EPOCH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Integer> statuses =
        List.of(
            router.dispatch(request("GET", "/review")).status(),
            router.dispatch(request("GET", "/review/config.json")).status(),
            router.dispatch(request("POST", "/review/api/claim")).status());
    // The dry runs' requests were counted: serialized into nothing, so no metric is emitted
    // before the snapshot and the EMF code is loaded in it.
    metrics.discard();
    return statuses;
  }

  private static ReviewRequest request(String method, String path) {
    return new ReviewRequest(method, path, Map.of(), new byte[0], "priming", Map.of());
  }
}
