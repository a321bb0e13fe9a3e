package io.autotag.review;

/**
 * A request the review function refuses, with the HTTP status, a stable code the page acts on, and
 * a message written for a person. Only text written in this module goes in: never an exception's
 * message, a key or a token.
 */
final class ReviewException extends RuntimeException {

  private final int status;
  private final String code;

  ReviewException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ReviewException badRequest(String message) {
    return new ReviewException(400, "bad-request", message);
  }

  static ReviewException unauthorized(String message) {
    return new ReviewException(401, "unauthorized", message);
  }

  static ReviewException invalidToken() {
    return new ReviewException(
        403, "invalid-token", "this item token was not issued by this review service");
  }

  static ReviewException notYourItem() {
    return new ReviewException(403, "not-your-item", "this item was claimed by another reviewer");
  }

  static ReviewException leaseLost() {
    return new ReviewException(
        409, "lease-lost", "this item is no longer yours: its lease ran out or it was released");
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
