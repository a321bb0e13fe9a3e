package io.autotag.shared.secrets;

/**
 * A secret could not be fetched. {@link #retryable()} is false when the store says the secret does
 * not exist or we may not read it (a configuration mistake), true for throttling and outages. The
 * message names the reference, never a value.
 */
public final class SecretException extends Exception {

  private final boolean retryable;

  public SecretException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
