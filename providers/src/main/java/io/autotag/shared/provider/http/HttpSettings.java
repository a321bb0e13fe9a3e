package io.autotag.shared.provider.http;

import io.autotag.shared.config.Settings;
import java.time.Duration;

/**
 * Timeouts and retry policy for calls to a hosted provider. Retries apply to retryable failures
 * only (throttling, 5xx, timeouts, dropped connections); a {@code Retry-After} longer than {@code
 * maxRetryAfter} ends the retries early so a function does not sleep past its own timeout, and the
 * trigger retries later instead.
 *
 * @param connectTimeout how long to wait for a TCP/TLS connection ({@code
 *     AUTOTAG_PROVIDER_CONNECT_TIMEOUT_MS})
 * @param readTimeout how long to wait for a response ({@code AUTOTAG_PROVIDER_TIMEOUT_MS})
 * @param maxRetries retries after the first attempt ({@code AUTOTAG_PROVIDER_MAX_RETRIES})
 * @param baseBackoff the first backoff before jitter ({@code AUTOTAG_PROVIDER_BACKOFF_MS})
 * @param maxBackoff the cap on one backoff ({@code AUTOTAG_PROVIDER_MAX_BACKOFF_MS})
 * @param maxRetryAfter the longest {@code Retry-After} honoured ({@code
 *     AUTOTAG_PROVIDER_MAX_RETRY_AFTER_MS})
 */
public record HttpSettings(
    Duration connectTimeout,
    Duration readTimeout,
    int maxRetries,
    Duration baseBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter) {

  public static HttpSettings defaults() {
    return new HttpSettings(
        Duration.ofSeconds(3),
        Duration.ofSeconds(15),
        2,
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  public static HttpSettings from(Settings settings) {
    HttpSettings d = defaults();
    return new HttpSettings(
        millis(settings, "AUTOTAG_PROVIDER_CONNECT_TIMEOUT_MS", d.connectTimeout(), 1, 120_000),
        millis(settings, "AUTOTAG_PROVIDER_TIMEOUT_MS", d.readTimeout(), 1, 900_000),
        settings.integer("AUTOTAG_PROVIDER_MAX_RETRIES", d.maxRetries(), 0, 10),
        millis(settings, "AUTOTAG_PROVIDER_BACKOFF_MS", d.baseBackoff(), 0, 60_000),
        millis(settings, "AUTOTAG_PROVIDER_MAX_BACKOFF_MS", d.maxBackoff(), 0, 300_000),
        millis(settings, "AUTOTAG_PROVIDER_MAX_RETRY_AFTER_MS", d.maxRetryAfter(), 0, 300_000));
  }

  private static Duration millis(
      Settings settings, String name, Duration defaultValue, long min, long max) {
    return Duration.ofMillis(settings.longValue(name, defaultValue.toMillis(), min, max));
  }

  public HttpSettings withMaxRetries(int retries) {
    return new HttpSettings(
        connectTimeout, readTimeout, retries, baseBackoff, maxBackoff, maxRetryAfter);
  }

  public HttpSettings withReadTimeout(Duration timeout) {
    return new HttpSettings(
        connectTimeout, timeout, maxRetries, baseBackoff, maxBackoff, maxRetryAfter);
  }
}
