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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one fake provider of every module's tests and benchmarks: answers a fixed result per image
 * (matched by its bytes), a default answer for any other image (labels, a model's whole class list,
 * or an exception), optionally after a fixed latency; counts calls and primings and keeps the last
 * input. It replaces a provider, never the AWS SDK.
 */
public final class FakeClassifier implements Classifier {

  public static final String NAME = "fake";

  /** What the fake does for an image: answer labels, or throw. */
  public sealed interface Answer {}

  /** Answers these labels; {@code classes} is the model's whole output, or empty. */
  public record Labels(List<Label> labels, List<Label> classes) implements Answer {
    public Labels(List<Label> labels) {
      this(labels, List.of());
    }
  }

  /** Throws {@code error}: a {@link ClassificationException} or an unchecked exception. */
  public record Fails(Exception error) implements Answer {}

  private final String name;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger primes = new AtomicInteger();
  private final AtomicReference<ImageInput> lastInput = new AtomicReference<>();
  private volatile Answer defaultAnswer = new Labels(List.of(new Label("cat", 0.9)));
  private volatile String modelId = "scripted";
  private volatile boolean multiLabel = true;
  private volatile Duration latency = Duration.ZERO;
  private volatile ProviderCapabilities capabilities =
      ProviderCapabilities.bytesOnly(20L * 1024 * 1024, EnumSet.allOf(ImageFormat.class));

  /** A fake named {@value #NAME}. */
  public FakeClassifier() {
    this(NAME);
  }

  /** A fake with its own provider name, to stand beside others (fallback chains, API routes). */
  public FakeClassifier(String name) {
    this.name = name;
  }

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

  /** Answers these labels for every image without an answer of its own. */
  public FakeClassifier defaultAnswer(Label... labels) {
    this.defaultAnswer = new Labels(List.of(labels));
    return this;
  }

  /** Answers a model's whole output for every image: each class in the model's order, as labels. */
  public FakeClassifier classes(List<Label> all) {
    this.defaultAnswer = new Labels(List.copyOf(all), List.copyOf(all));
    return this;
  }

  /** Throws {@code error} (a ClassificationException or an unchecked exception) on every call. */
  public FakeClassifier failing(Exception error) {
    this.defaultAnswer = new Fails(error);
    return this;
  }

  /** The model id answers name (default {@code scripted}). */
  public FakeClassifier modelId(String id) {
    this.modelId = id;
    return this;
  }

  public FakeClassifier multiLabel(boolean value) {
    this.multiLabel = value;
    return this;
  }

  public FakeClassifier latency(Duration value) {
    this.latency = value;
    return this;
  }

  public FakeClassifier capabilities(ProviderCapabilities value) {
    this.capabilities = value;
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
    return name;
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
      case Labels(List<Label> labels, List<Label> classes) ->
          new Classification(name, modelId, labels, multiLabel, null, latency, classes);
      case Fails(ClassificationException error) -> throw error;
      case Fails(RuntimeException error) -> throw error;
      case Fails(Exception error) -> throw new IllegalStateException("scripted failure", error);
    };
  }

  private static String key(byte[] image) {
    return Integer.toHexString(Arrays.hashCode(image)) + ":" + image.length;
  }
}
