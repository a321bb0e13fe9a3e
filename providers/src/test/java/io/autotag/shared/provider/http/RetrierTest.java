package io.autotag.shared.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

  private final List<Duration> waits = new ArrayList<>();
  private final HttpSettings settings =
      new HttpSettings(
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          3,
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofSeconds(10));

  @Test
  void retryableFailuresAreRetriedWithCappedExponentialBackoffAndFullJitter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Retrier retrier = new Retrier(settings, waits::add, () -> 1.0);
    String result =
        retrier.call(
            "p",
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw new ClassificationException(FailureReason.UNAVAILABLE, "down");
              }
              return "ok";
            });
    assertThat(result).isEqualTo("ok");
    assertThat(waits)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
  }

  @Test
  void jitterScalesTheWait() {
    Retrier retrier = new Retrier(settings, waits::add, () -> 0.25);
    assertThat(retrier.waitBefore(1, new ClassificationException(FailureReason.THROTTLED, "x")))
        .isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void permanentFailuresAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    Retrier retrier = new Retrier(settings, waits::add, () -> 0.5);
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () ->
                retrier.call(
                    "p",
                    () -> {
                      calls.incrementAndGet();
                      throw new ClassificationException(FailureReason.REJECTED, "no");
                    }));
    assertThat(thrown.reason()).isEqualTo(FailureReason.REJECTED);
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void givesUpAfterMaxRetriesWithTheLastFailure() {
    AtomicInteger calls = new AtomicInteger();
    Retrier retrier = new Retrier(settings.withMaxRetries(2), waits::add, () -> 0.5);
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () ->
                retrier.call(
                    "p",
                    () -> {
                      throw new ClassificationException(
                          FailureReason.THROTTLED, "try " + calls.incrementAndGet());
                    }));
    assertThat(thrown.getMessage()).isEqualTo("try 3");
    assertThat(waits).hasSize(2);
  }

  @Test
  void retryAfterReplacesTheBackoffAndTooLongAStopsRetrying() {
    Retrier retrier = new Retrier(settings, waits::add, () -> 0.5);
    assertThat(
            retrier.waitBefore(
                0, new ProviderCallException(FailureReason.THROTTLED, "x", Duration.ofSeconds(7))))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(
            retrier.waitBefore(
                0, new ProviderCallException(FailureReason.THROTTLED, "x", Duration.ofSeconds(11))))
        .isNull();
  }

  @Test
  void retryAfterParsesSecondsAndHttpDates() {
    Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    assertThat(ProviderHttp.parseRetryAfter("5", clock)).contains(Duration.ofSeconds(5));
    assertThat(ProviderHttp.parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", clock))
        .contains(Duration.ofSeconds(30));
    assertThat(ProviderHttp.parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", clock))
        .contains(Duration.ZERO);
    assertThat(ProviderHttp.parseRetryAfter("-1", clock)).isEmpty();
    assertThat(ProviderHttp.parseRetryAfter("soon", clock)).isEmpty();
  }

  @Test
  void safeTextRemovesSecretsQueriesAndControlCharacters() {
    assertThat(
            SafeText.clean(
                "key abcdef123 rejected at https://h/p?api_key=abcdef123&x=1\nnext",
                List.of("abcdef123")))
        .isEqualTo("key *** rejected at https://h/p?... next");
    assertThat(SafeText.clean("x".repeat(1000), List.of())).hasSize(303);
  }
}
