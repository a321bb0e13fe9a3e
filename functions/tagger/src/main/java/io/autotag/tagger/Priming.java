package io.autotag.tagger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.review.ReviewMessage;
import java.util.List;
import org.crac.Context;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SnapStart priming: before the snapshot, run the code paths of an invocation that write nothing
 * (SDK marshalling, JSON, event parsing, and {@link Classifier#prime()}: one inference of the
 * embedded model on a fixed built-in image) so they are loaded and compiled in the snapshot.
 * Nothing here reads the clock into state, makes random values, reads secrets or calls AWS.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">
 *     SnapStart runtime hooks</a>
 */
final class Priming implements Resource {

  private static final Logger log = LoggerFactory.getLogger(Priming.class);
  private static final String SAMPLE_EVENT =
      """
      {"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"priming"},
      "object":{"key":"a+b%2B%C3%A9.jpg","size":1,"eTag":"0","versionId":"v"}}}]}""";
  private static final String SAMPLE_BATCH_TASK =
      """
      {"taskId":"t","s3Key":"a+b%2B%C3%A9.jpg","s3VersionId":null,"s3Bucket":"priming"}""";

  private final Classifier classifier;
  private final ObjectMapper json;
  private final Metrics metrics;

  Priming(Classifier classifier, ObjectMapper json, Metrics metrics) {
    this.classifier = classifier;
    this.json = json;
    this.metrics = metrics;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to refresh: clients resolve credentials lazily and hold no time-based state.
  }

  /** Runs the priming paths; returns whether the classifier answered. */
  boolean prime() {
    SdkWarmUp.warmUp(S3Client.class, SqsClient.class);
    try {
      S3Notifications.createdObjects(json.readTree(SAMPLE_EVENT));
      BatchOperationsTasks.task(json.readTree(SAMPLE_BATCH_TASK));
      json.writeValueAsString(
          new ReviewMessage(
              ReviewMessage.SCHEMA,
              "priming",
              "key",
              null,
              null,
              1L,
              null,
              "p",
              "m",
              List.of(new ReviewMessage.Prediction("label", 0.5)),
              0.5,
              "low-confidence",
              "1970-01-01T00:00:00Z"));
    } catch (JsonProcessingException | S3Notifications.MalformedEventException e) {
      throw new IllegalStateException("priming sample is invalid", e);
    }
    try {
      classifier.prime();
      return true;
    } catch (ClassificationException | RuntimeException e) {
      // Priming is best effort: the first invocation will report the same problem in context.
      log.atWarn()
          .addKeyValue("provider", classifier.name())
          .addKeyValue("error", e.getClass().getSimpleName())
          .log("priming classification failed");
      return false;
    } finally {
      primeMetrics();
    }
  }

  /**
   * Loads the metrics code into the snapshot: a sample of what an invocation records, serialized
   * into a sink that drops it, so nothing is emitted before the snapshot.
   */
  private void primeMetrics() {
    metrics.object("classified", null);
    metrics.object("skipped", "corrupt-image");
    metrics.classify(classifier.name(), 1, false);
    metrics.reviewMessages(1);
    metrics.discard();
  }
}
