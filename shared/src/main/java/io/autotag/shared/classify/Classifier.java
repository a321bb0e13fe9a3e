package io.autotag.shared.classify;

/**
 * Classifies one image. Implementations are adapters over one provider (an embedded model, a hosted
 * API); they are built once and must be safe for concurrent calls, because a function classifies
 * the records of one invocation in parallel. {@link #close()} releases what the provider holds (an
 * embedded model's native session); whoever built the classifier calls it once, after the last
 * call.
 */
public interface Classifier extends AutoCloseable {

  /** Short, stable provider name used in configuration, tags and logs, for example {@code onnx}. */
  String name();

  /** What this provider accepts, so callers can send it the cheapest input it takes. */
  ProviderCapabilities capabilities();

  /**
   * Classifies the image.
   *
   * @throws ClassificationException when the image cannot be classified; {@link
   *     ClassificationException#retryable()} says whether trying again later can help
   */
  Classification classify(ImageInput image) throws ClassificationException;

  /**
   * Warms the provider's code paths before a SnapStart snapshot, with no side effects: no network,
   * no secrets, nothing random or time-based kept. An embedded model runs one inference on {@link
   * PrimingImage}; a hosted provider does nothing, since calling it would read its secret and reach
   * the network before the snapshot.
   *
   * @throws ClassificationException if priming shows the provider cannot work
   */
  default void prime() throws ClassificationException {}

  /** Releases native or network resources; most providers hold none. */
  @Override
  default void close() {}
}
