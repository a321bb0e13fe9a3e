package io.autotag.api;

/**
 * A request the API refuses, with the HTTP status, a stable machine-readable code and a message
 * written for the caller. Only messages written in this module go into an {@code ApiException}:
 * never an exception's text, a secret or a URL's query.
 */
final class ApiException extends RuntimeException {

  private final int status;
  private final String code;

  ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  /**
   * An exception that keeps what caused it, for the log only (never for the caller): an S3 or
   * network failure behind a 502, say.
   */
  ApiException(int status, String code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  static ApiException forbidden(String code, String message) {
    return new ApiException(403, code, message);
  }

  static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  static ApiException tooLarge(String message) {
    return new ApiException(413, "payload-too-large", message);
  }

  static ApiException unsupportedMediaType(String message) {
    return new ApiException(415, "unsupported-media-type", message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
