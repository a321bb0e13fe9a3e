package io.autotag.api;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.PrimingImage;
import io.autotag.shared.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.crac.Context;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * SnapStart priming: before the snapshot, run the request paths that touch nothing outside the
 * process (event parsing, routing, JSON, the 401 path, which refuses before any key hash is read,
 * header-only image decoding, and {@link Classifier#prime()}) so they are loaded and compiled in
 * the snapshot. No secret is read, no AWS call made, nothing random or time-based kept.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">
 *     SnapStart runtime hooks</a>
 */
final class ApiPriming implements Resource {

  private static final Logger log = LoggerFactory.getLogger(ApiPriming.class);

  private final Router router;
  private final Classifier classifier;
  private final Metrics metrics;

  ApiPriming(Router router, Classifier classifier, Metrics metrics) {
    this.router = router;
    this.classifier = classifier;
    this.metrics = metrics;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to refresh: key hashes are read on first use, clients resolve credentials lazily.
  }

  /** Runs the priming paths; returns whether the classifier answered. */
  boolean prime() {
    SdkWarmUp.warmUp(S3Client.class);
    router.dispatch(request("GET", "/health", Map.of(), new byte[0]));
    byte[] json =
        "{\"image\":{\"type\":\"base64\",\"value\":\"iVBORw0KGgo=\"}}"
            .getBytes(StandardCharsets.UTF_8);
    // No key: answered 401 before the key hashes are looked at.
    router.dispatch(request("POST", "/classify", Map.of("content-type", "application/json"), json));
    ImageDimensions.read(PrimingImage.png());
    try {
      classifier.prime();
      return true;
    } catch (ClassificationException | RuntimeException e) {
      // Best effort: the first request will report the same problem in context.
      log.atWarn().setCause(e).log("priming the classifier failed");
      return false;
    } finally {
      // The dry runs' requests were counted: serialized into nothing, so no metric is emitted
      // before the snapshot and the EMF code is loaded in it.
      metrics.discard();
    }
  }

  private static ApiRequest request(
      String method, String path, Map<String, String> headers, byte[] body) {
    return new ApiRequest(
        method, path, headers, Map.of(), body, "priming", PayloadVersion.V2, Optional.empty());
  }
}
