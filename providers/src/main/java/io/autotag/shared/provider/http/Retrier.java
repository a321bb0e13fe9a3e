package io.autotag.shared.provider.http;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a provider call and retries it on retryable failures only, with exponential backoff and full
 * jitter (a random wait between zero and {@code base * 2^attempt}, capped), so many functions
 * retrying at once spread out. A {@code Retry-After} from the provider replaces the computed wait;
 * one longer than the configured maximum stops retrying and the failure goes to the trigger.
 *
 * @see <a href="https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/">
 *     Exponential backoff and jitter</a>
 */
public final class Retrier {

  /** One attempt of a call. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run() throws ClassificationException;
  }

  /** Waits between attempts; tests record the waits instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  private final HttpSettings settings;
  private final Sleeper sleeper;
  private final DoubleSupplier random;

  public Retrier(HttpSettings settings, Sleeper sleeper, DoubleSupplier random) {
    this.settings = settings;
    this.sleeper = sleeper;
    this.random = random;
  }

  /**
   * A retrier that really sleeps, with jitter from a {@link SecureRandom}: unlike {@code Random} or
   * {@code ThreadLocalRandom}, whose seeds a SnapStart snapshot would copy into every restored
   * instance (giving them all the same backoff), Lambda reseeds it on restore.
   */
  public static Retrier create(HttpSettings settings) {
    return new Retrier(settings, d -> Thread.sleep(d), JITTER::nextDouble);
  }

  private static final SecureRandom JITTER = new SecureRandom();

  public HttpSettings settings() {
    return settings;
  }

  /**
   * Runs {@code attempt} up to {@code 1 + maxRetries} times.
   *
   * @param provider the provider name, for logs
   */
  public <T> T call(String provider, Attempt<T> attempt) throws ClassificationException {
    for (int retry = 0; ; retry++) {
      try {
        return attempt.run();
      } catch (ClassificationException e) {
        if (!e.retryable() || retry >= settings.maxRetries()) {
          throw e;
        }
        Duration wait = waitBefore(retry, e);
        if (wait == null) {
          throw e;
        }
        log.atInfo()
            .addKeyValue("provider", provider)
            .addKeyValue("reason", e.reason().code())
            .addKeyValue("retry", retry + 1)
            .addKeyValue("waitMs", wait.toMillis())
            .log("retrying provider call");
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ClassificationException(
              FailureReason.UNAVAILABLE, provider + ": interrupted while waiting to retry", e);
        }
      }
    }
  }

  /** The wait before retry number {@code retry + 1}, or null when the provider asks too much. */
  Duration waitBefore(int retry, ClassificationException failure) {
    if (failure instanceof ProviderCallException call && call.retryAfter().isPresent()) {
      Duration asked = call.retryAfter().get();
      return asked.compareTo(settings.maxRetryAfter()) > 0 ? null : asked;
    }
    long base = settings.baseBackoff().toMillis();
    long cap = settings.maxBackoff().toMillis();
    long ceiling = Math.min(cap, base << Math.min(retry, 30));
    return Duration.ofMillis((long) (random.getAsDouble() * ceiling));
  }
}
