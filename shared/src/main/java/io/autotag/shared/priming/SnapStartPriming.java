package io.autotag.shared.priming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.review.ReviewMessage;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.warmup.SdkWarmUp;

/**
 * The SnapStart priming every function registers: before the snapshot it warms the SDK clients'
 * code paths ({@link SdkWarmUp}), runs the function's own request paths that read nothing, write
 * nothing and need no secret, and primes the classifier, if the function has one ({@link
 * Classifier#prime()}: one inference of the embedded model on a fixed image; nothing for hosted
 * providers), so all of it is loaded and compiled in the snapshot. Nothing here reads the clock
 * into state, makes random values, reads secrets or calls AWS. Priming is best effort: a failure is
 * logged, and the first invocation meets the same problem in context.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">
 *     SnapStart runtime hooks</a>
 */
public final class SnapStartPriming implements Resource {

  private static final Logger log = LoggerFactory.getLogger(SnapStartPriming.class);

  private final Runnable functionPaths;
  private final Classifier classifier;
  private final Class<? extends SdkClient>[] sdkClients;

  private SnapStartPriming(
      Runnable functionPaths, Classifier classifier, Class<? extends SdkClient>[] sdkClients) {
    this.functionPaths = functionPaths;
    this.classifier = classifier;
    this.sdkClients = sdkClients.clone();
  }

  /**
   * Registers priming with the CRaC runtime. The runtime keeps resources weakly: hold the result in
   * a field for as long as the function lives.
   *
   * @param functionPaths the function's side-effect-free paths (event parsing, routes that stop
   *     before any secret or AWS call)
   * @param classifier the function's classifier, or {@code null} when it classifies nothing
   * @param sdkClients the SDK client classes the function calls (for example {@code S3Client})
   */
  @SafeVarargs
  public static SnapStartPriming register(
      Runnable functionPaths, Classifier classifier, Class<? extends SdkClient>... sdkClients) {
    SnapStartPriming priming = new SnapStartPriming(functionPaths, classifier, sdkClients);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to refresh: clients resolve credentials lazily, secrets are read on first use.
  }

  /** Runs every priming path; returns whether the classifier answered (true without one). */
  public boolean prime() {
    SdkWarmUp.warmUp(sdkClients);
    functionPaths.run();
    if (classifier == null) {
      return true;
    }
    try {
      classifier.prime();
      return true;
    } catch (ClassificationException | RuntimeException e) {
      log.atWarn()
          .addKeyValue("provider", classifier.name())
          .addKeyValue("error", e.getClass().getSimpleName())
          .log("priming the classifier failed");
      return false;
    }
  }

  /**
   * A fixed review message, serialised: the JSON path of the functions that send or read review
   * messages, with no data of anyone's.
   */
  public static String sampleReviewMessage(ObjectMapper json) {
    try {
      return json.writeValueAsString(
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
              "1970-01-01T00:00:00Z"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the priming sample is invalid", e);
    }
  }
}
