package io.autotag.shared.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One configured secret. A literal is returned as is; a reference is fetched on the first {@link
 * #value()} (never at construction, so a SnapStart snapshot holds no secret and restore sees the
 * current one), then cached for the TTL. {@link #invalidate()} forces the next call to fetch again,
 * for example after the provider rejected a key that may have been rotated. Thread-safe.
 */
public final class Secret {

  private final String variable;
  private final String literal;
  private final SecretReference reference;
  private final SecretStore store;
  private final Duration ttl;
  private final Clock clock;

  private String cached;
  private Instant fetchedAt;

  private Secret(
      String variable,
      String literal,
      SecretReference reference,
      SecretStore store,
      Duration ttl,
      Clock clock) {
    this.variable = variable;
    this.literal = literal;
    this.reference = reference;
    this.store = store;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** A secret given directly in configuration (local use). */
  public static Secret literal(String variable, String value) {
    return new Secret(
        variable, Objects.requireNonNull(value, "value"), null, null, Duration.ZERO, null);
  }

  /** A secret fetched from {@code store} when first needed and cached for {@code ttl}. */
  public static Secret reference(
      String variable, SecretReference reference, SecretStore store, Duration ttl, Clock clock) {
    return new Secret(
        variable,
        null,
        Objects.requireNonNull(reference, "reference"),
        Objects.requireNonNull(store, "store"),
        ttl,
        clock);
  }

  /** The configuration variable this secret came from, for messages. */
  public String variable() {
    return variable;
  }

  public boolean isReference() {
    return reference != null;
  }

  /** The current value, fetched or refreshed if needed. */
  public String value() throws SecretException {
    if (literal != null) {
      return literal;
    }
    synchronized (this) {
      Instant now = clock.instant();
      if (cached == null || !now.isBefore(fetchedAt.plus(ttl))) {
        cached = store.fetch(reference);
        fetchedAt = now;
      }
      return cached;
    }
  }

  /** Forgets the cached value, so the next {@link #value()} fetches it again. */
  public synchronized void invalidate() {
    cached = null;
  }

  @Override
  public String toString() {
    return "Secret[" + variable + (reference == null ? "" : " from " + reference) + "]";
  }
}
