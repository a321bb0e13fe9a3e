package io.autotag.shared.provider.http;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.secrets.SecretException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One provider's HTTP client: a JDK {@link HttpClient} built once with the connect timeout, a read
 * timeout on every request, and the mapping from I/O failures and HTTP statuses to {@link
 * FailureReason}s. Messages name the provider and the host, never the path's query, a header or a
 * body we sent.
 */
public final class ProviderHttp {

  private final String provider;
  private final HttpClient client;
  private final HttpSettings settings;
  private final Clock clock;

  private ProviderHttp(String provider, HttpClient client, HttpSettings settings, Clock clock) {
    this.provider = provider;
    this.client = client;
    this.settings = settings;
    this.clock = clock;
  }

  public static ProviderHttp create(String provider, HttpSettings settings) {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            // HTTP/1.1 keeps plain-http self-hosted servers away from h2c upgrade surprises.
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new ProviderHttp(provider, client, settings, Clock.systemUTC());
  }

  public HttpSettings settings() {
    return settings;
  }

  /** A request builder for {@code uri} with the read timeout already set. */
  public HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(settings.readTimeout());
  }

  /**
   * Sends the request and returns the response whatever its status; I/O failures, timeouts and
   * dropped connections become retryable {@link FailureReason#UNAVAILABLE}.
   */
  public HttpResponse<byte[]> send(HttpRequest request) throws ClassificationException {
    String where = provider + " at " + request.uri().getHost();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new ClassificationException(
          FailureReason.UNAVAILABLE, where + ": connection timed out", e);
    } catch (HttpTimeoutException e) {
      throw new ClassificationException(
          FailureReason.UNAVAILABLE,
          where + ": no response within " + settings.readTimeout().toMillis() + " ms",
          e);
    } catch (ConnectException e) {
      throw new ClassificationException(FailureReason.UNAVAILABLE, where + ": cannot connect", e);
    } catch (IOException e) {
      throw new ClassificationException(
          FailureReason.UNAVAILABLE, where + ": connection failed or dropped", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClassificationException(FailureReason.UNAVAILABLE, where + ": interrupted", e);
    }
  }

  /**
   * The failure for a non-2xx status: 401/403 unauthorized, 429 throttled, 408 and 5xx unavailable,
   * 413 too large, 415 unsupported type, any other 4xx rejected. Retryable failures carry the
   * {@code Retry-After} delay when the response had one.
   *
   * @param providerMessage the provider's own explanation, already made safe with {@link SafeText}
   */
  public ProviderCallException failure(HttpResponse<?> response, String providerMessage) {
    int status = response.statusCode();
    FailureReason reason = reasonFor(status);
    String message =
        provider
            + " answered HTTP "
            + status
            + (providerMessage == null || providerMessage.isBlank() ? "" : ": " + providerMessage);
    Duration retryAfter =
        reason.retryable() ? retryAfter(response.headers(), clock).orElse(null) : null;
    return new ProviderCallException(reason, message, retryAfter);
  }

  /** The failure for a 2xx response whose body we cannot read. */
  public ClassificationException malformed(String what) {
    // A proxy or a half-deployed server answers garbage: worth another try later.
    return new ClassificationException(
        FailureReason.UNAVAILABLE, provider + " answered malformed JSON: " + what);
  }

  /** The failure when a provider's secret cannot be read (the reference is named, no value). */
  public static ClassificationException secretFailure(String provider, SecretException e) {
    return new ClassificationException(
        e.retryable() ? FailureReason.UNAVAILABLE : FailureReason.UNAUTHORIZED,
        provider + ": " + e.getMessage(),
        e);
  }

  public static FailureReason reasonFor(int status) {
    return switch (status) {
      case 401, 403 -> FailureReason.UNAUTHORIZED;
      case 429 -> FailureReason.THROTTLED;
      case 408 -> FailureReason.UNAVAILABLE;
      case 413 -> FailureReason.TOO_LARGE;
      case 415 -> FailureReason.UNSUPPORTED_TYPE;
      default -> status >= 500 ? FailureReason.UNAVAILABLE : FailureReason.REJECTED;
    };
  }

  /** {@code Retry-After} as seconds or as an HTTP date; absent, negative or unreadable is empty. */
  public static Optional<Duration> retryAfter(HttpHeaders headers, Clock clock) {
    return headers.firstValue("Retry-After").flatMap(value -> parseRetryAfter(value, clock));
  }

  public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
    String trimmed = value.trim();
    try {
      long seconds = Long.parseLong(trimmed);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(clock.instant(), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
