package io.autotag.shared.net;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A URL could not be fetched. The {@link #kind()} says why in a way callers map to a response; the
 * message is safe to show (it never holds the URL's query, which may carry credentials).
 */
public final class FetchException extends Exception {

  /** Why the fetch failed. */
  public enum Kind {
    /** Not an absolute http(s) URL, or it carries credentials. */
    INVALID_URL,
    /** The host resolves to an internal address (or does not resolve). */
    FORBIDDEN_ADDRESS,
    /** More redirects than the policy allows, or a redirect without a usable target. */
    TOO_MANY_REDIRECTS,
    /** The body is larger than the policy allows. */
    TOO_LARGE,
    /** Connecting or reading took longer than the policy allows. */
    TIMEOUT,
    /** The server answered with a status other than 200. */
    HTTP_STATUS,
    /** The connection failed. */
    NETWORK
  }

  private final Kind kind;
  private final int status;

  public FetchException(Kind kind, String message) {
    this(kind, message, -1, null);
  }

  public FetchException(Kind kind, String message, Throwable cause) {
    this(kind, message, -1, cause);
  }

  private FetchException(Kind kind, String message, int status, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.status = status;
  }

  /** The origin answered {@code status}. */
  public static FetchException status(int status) {
    return new FetchException(
        Kind.HTTP_STATUS, "the image URL answered HTTP " + status, status, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The origin's status for {@link Kind#HTTP_STATUS}. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
