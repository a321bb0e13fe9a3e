package io.autotag.shared.provider;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.metrics.Metrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks providers in order ({@code AUTOTAG_PROVIDER=roboflow,onnx}): when one fails with a retryable
 * error after its own retries, or refuses our credentials, the next one answers, and the {@link
 * Classification} names the provider that did. A failure that is about the image (corrupt,
 * unsupported, too large) stops the chain: another provider would not do better.
 *
 * <p>The chain accepts only what every member accepts (the smallest byte limit, URLs and S3
 * references only when all take them, the common formats), so any member can take any input the
 * pipeline sends.
 */
public final class FallbackClassifier implements Classifier {

  private static final Logger log = LoggerFactory.getLogger(FallbackClassifier.class);

  private final List<Classifier> chain;
  private final String name;
  private final ProviderCapabilities capabilities;
  private final Metrics metrics;

  private FallbackClassifier(List<Classifier> chain, Metrics metrics) {
    if (chain.size() < 2) {
      throw new IllegalArgumentException("a fallback chain needs at least two providers");
    }
    this.chain = List.copyOf(chain);
    // "+" rather than ",": the name goes into S3 tag values, which allow no commas.
    this.name = chain.stream().map(Classifier::name).collect(Collectors.joining("+"));
    this.capabilities = common(this.chain);
    this.metrics = metrics;
  }

  public static FallbackClassifier of(List<Classifier> chain) {
    return new FallbackClassifier(chain, Metrics.off());
  }

  /** A chain that counts each provider it passes over ({@code Fallbacks} by provider). */
  public static FallbackClassifier of(List<Classifier> chain, Metrics metrics) {
    return new FallbackClassifier(chain, metrics);
  }

  public List<Classifier> chain() {
    return chain;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ProviderCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public void close() {
    chain.forEach(Classifier::close);
  }

  @Override
  public void prime() throws ClassificationException {
    for (Classifier provider : chain) {
      provider.prime();
    }
  }

  @Override
  public Classification classify(ImageInput image) throws ClassificationException {
    List<ClassificationException> failures = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      Classifier provider = chain.get(i);
      try {
        Classification answer = provider.classify(image);
        return answer.withProvider(provider.name());
      } catch (ClassificationException e) {
        failures.add(e);
        if (!fallsThrough(e.reason())) {
          throw e;
        }
        if (i < chain.size() - 1) {
          metrics.fallback(provider.name());
        }
        log.atWarn()
            .addKeyValue("provider", provider.name())
            .addKeyValue("reason", e.reason().code())
            .log("provider failed, trying the next one");
      }
    }
    throw allFailed(failures);
  }

  /** Provider-side trouble another provider may not have. */
  static boolean fallsThrough(FailureReason reason) {
    return reason.retryable() || reason == FailureReason.UNAUTHORIZED;
  }

  private ClassificationException allFailed(List<ClassificationException> failures) {
    // Retryable if any member might answer later, so the trigger tries the chain again.
    FailureReason reason =
        failures.stream()
            .map(ClassificationException::reason)
            .filter(FailureReason::retryable)
            .findFirst()
            .orElse(failures.getLast().reason());
    StringBuilder message = new StringBuilder("every provider failed:");
    for (int i = 0; i < failures.size(); i++) {
      message
          .append(i == 0 ? " " : "; ")
          .append(chain.get(i).name())
          .append(": ")
          .append(failures.get(i).reason().code());
    }
    ClassificationException failure =
        new ClassificationException(reason, message.toString(), failures.getLast());
    failures.subList(0, failures.size() - 1).forEach(failure::addSuppressed);
    return failure;
  }

  private static ProviderCapabilities common(List<Classifier> chain) {
    long maxBytes = Long.MAX_VALUE;
    long maxReference = Long.MAX_VALUE;
    boolean url = true;
    boolean s3 = true;
    Set<ImageFormat> formats = new HashSet<>(Set.of(ImageFormat.values()));
    for (Classifier provider : chain) {
      ProviderCapabilities c = provider.capabilities();
      maxBytes = Math.min(maxBytes, c.maxBytes());
      maxReference = Math.min(maxReference, c.maxReferenceBytes());
      url &= c.acceptsUrl();
      s3 &= c.acceptsS3Reference();
      formats.retainAll(c.formats());
    }
    return new ProviderCapabilities(maxBytes, url, s3, url || s3 ? maxReference : 0, formats);
  }
}
