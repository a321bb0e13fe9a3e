package io.autotag.api;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ProviderCapabilities;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fake provider for the API's tests and benchmark: answers fixed labels (or throws), optionally
 * after a fixed latency, and records what it was given. It stands in for a provider, never for the
 * AWS SDK.
 */
final class ScriptedClassifier implements Classifier {

  private final String name;
  private volatile List<Label> labels =
      List.of(new Label("cat", 0.82), new Label("dog", 0.12), new Label("bird", 0.06));
  private volatile List<Label> classes = List.of();
  private volatile boolean multiLabel;
  private volatile Exception failure;
  private volatile Duration latency = Duration.ZERO;
  private volatile ProviderCapabilities capabilities =
      ProviderCapabilities.bytesOnly(20L * 1024 * 1024, EnumSet.allOf(ImageFormat.class));
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger primes = new AtomicInteger();
  private final AtomicReference<ImageInput> lastInput = new AtomicReference<>();

  ScriptedClassifier(String name) {
    this.name = name;
  }

  ScriptedClassifier labels(Label... answer) {
    this.labels = List.of(answer);
    this.classes = List.of();
    return this;
  }

  /** Answers a model's whole output: every class in the model's order, and the same as labels. */
  ScriptedClassifier classes(List<Label> all) {
    this.classes = List.copyOf(all);
    this.labels = List.copyOf(all);
    return this;
  }

  ScriptedClassifier multiLabel(boolean value) {
    this.multiLabel = value;
    return this;
  }

  /** Throws {@code error} (a ClassificationException or a RuntimeException) on every call. */
  ScriptedClassifier failing(Exception error) {
    this.failure = error;
    return this;
  }

  ScriptedClassifier latency(Duration value) {
    this.latency = value;
    return this;
  }

  ScriptedClassifier capabilities(ProviderCapabilities value) {
    this.capabilities = value;
    return this;
  }

  int calls() {
    return calls.get();
  }

  int primes() {
    return primes.get();
  }

  @Override
  public void prime() {
    primes.incrementAndGet();
  }

  ImageInput lastInput() {
    return lastInput.get();
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
  public Classification classify(ImageInput image) throws ClassificationException {
    calls.incrementAndGet();
    lastInput.set(image);
    if (!latency.isZero()) {
      try {
        Thread.sleep(latency);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failure instanceof ClassificationException e) {
      throw e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    return new Classification(
        name, name + "-model", labels, multiLabel, Optional.empty(), latency, classes);
  }
}
