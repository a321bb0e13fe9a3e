package io.autotag.shared.testing;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ProviderCapabilities;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scripted classifier: answers a fixed result per image (matched by its bytes), a default answer
 * for any other image, optional latency, and counts calls. Used behind the real pipeline in tests
 * and benchmarks; it replaces the provider, never the AWS SDK.
 */
public final class FakeClassifier implements Classifier {

  public static final String NAME = "fake";

  /** What the fake does for an image: answer labels, or throw. */
  public sealed interface Answer {}

  public record Labels(List<Label> labels) implements Answer {}

  public record Fails(ClassificationException error) implements Answer {}

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger primes = new AtomicInteger();
  private final AtomicReference<ImageInput> lastInput = new AtomicReference<>();
  private volatile Answer defaultAnswer = new Labels(List.of(new Label("cat", 0.9)));
  private volatile Duration latency = Duration.ZERO;
  private volatile ProviderCapabilities capabilities =
      ProviderCapabilities.bytesOnly(20L * 1024 * 1024, EnumSet.allOf(ImageFormat.class));

  public FakeClassifier answer(byte[] image, Answer answer) {
    answers.put(key(image), answer);
    return this;
  }

  public FakeClassifier answer(byte[] image, Label... labels) {
    return answer(image, new Labels(List.of(labels)));
  }

  public FakeClassifier fail(byte[] image, ClassificationException error) {
    return answer(image, new Fails(error));
  }

  public FakeClassifier defaultAnswer(Label... labels) {
    this.defaultAnswer = new Labels(List.of(labels));
    return this;
  }

  public FakeClassifier latency(Duration latency) {
    this.latency = latency;
    return this;
  }

  public FakeClassifier capabilities(ProviderCapabilities capabilities) {
    this.capabilities = capabilities;
    return this;
  }

  public int calls() {
    return calls.get();
  }

  public int primes() {
    return primes.get();
  }

  /** What the last call was given. */
  public ImageInput lastInput() {
    return lastInput.get();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProviderCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public void prime() {
    primes.incrementAndGet();
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
    Answer answer =
        image instanceof ImageInput.Bytes bytes
            ? answers.getOrDefault(key(bytes.data()), defaultAnswer)
            : defaultAnswer;
    return switch (answer) {
      case Labels(List<Label> labels) ->
          new Classification(NAME, "scripted", labels, true, Optional.empty(), latency);
      case Fails(ClassificationException error) -> throw error;
    };
  }

  private static String key(byte[] image) {
    return Integer.toHexString(Arrays.hashCode(image)) + ":" + image.length;
  }
}
