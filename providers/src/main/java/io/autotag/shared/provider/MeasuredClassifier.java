package io.autotag.shared.provider;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.metrics.Metrics;

/**
 * One provider with its calls counted and timed ({@code ClassifyCalls}, {@code ClassifyErrors},
 * {@code ClassifyLatency} by provider). An error counts against the provider only when it is the
 * provider's (throttled, down, timed out, our credentials refused, or a bug), not when the image
 * was at fault, so the provider error-rate alarm means what it says.
 */
final class MeasuredClassifier implements Classifier {

  private final Classifier provider;
  private final Metrics metrics;

  MeasuredClassifier(Classifier provider, Metrics metrics) {
    this.provider = provider;
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return provider.name();
  }

  @Override
  public ProviderCapabilities capabilities() {
    return provider.capabilities();
  }

  @Override
  public Classification classify(ImageInput image) throws ClassificationException {
    long start = System.nanoTime();
    boolean providerError = true;
    try {
      Classification answer = provider.classify(image);
      providerError = false;
      return answer;
    } catch (ClassificationException e) {
      providerError = FallbackClassifier.fallsThrough(e.reason());
      throw e;
    } finally {
      metrics.classify(provider.name(), (System.nanoTime() - start) / 1_000_000, providerError);
    }
  }

  @Override
  public void prime() throws ClassificationException {
    provider.prime();
  }

  @Override
  public void close() {
    provider.close();
  }
}
