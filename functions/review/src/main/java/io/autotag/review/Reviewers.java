package io.autotag.review;

import io.autotag.shared.secrets.KeyHashes;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import io.autotag.shared.tagging.TagText;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Establishes who is reviewing. In JWT mode API Gateway's authorizer has verified a Cognito token
 * and put its claims in the event; the reviewer is the token's {@code username} (access tokens),
 * {@code cognito:username} (ID tokens), {@code email} or {@code sub}, in that order. In
 * reviewer-key mode the request carries a key ({@code Authorization: Bearer} or {@code
 * x-reviewer-key}) whose SHA-256 is listed under the reviewer's name ({@code alice=<hex>}, see
 * {@link KeyHashes}). Either way a request without valid credentials gets a 401 before anything is
 * read or written.
 */
final class Reviewers {

  static final int MAX_ID_LENGTH = 128;
  private static final List<String> ID_CLAIMS =
      List.of("username", "cognito:username", "email", "sub");

  private final ReviewConfig.AuthMode mode;
  private final String issuer;
  private final Secret keyDigests;
  private volatile Parsed parsed;

  private record Parsed(String raw, KeyHashes hashes) {}

  Reviewers(ReviewConfig.AuthMode mode, String issuer, Secret keyDigests) {
    this.mode = mode;
    this.issuer = issuer;
    this.keyDigests = keyDigests;
  }

  ReviewConfig.AuthMode mode() {
    return mode;
  }

  Reviewer authenticate(ReviewRequest request) throws SecretException {
    return switch (mode) {
      case JWT -> fromClaims(request);
      case REVIEWER_KEY -> fromKey(request);
    };
  }

  private Reviewer fromClaims(ReviewRequest request) {
    var claims = request.jwtClaims();
    if (claims.isEmpty()) {
      throw ReviewException.unauthorized("sign in first");
    }
    if (!issuer.isEmpty() && !issuer.equals(claims.get("iss"))) {
      throw ReviewException.unauthorized("the token was issued by another identity provider");
    }
    return ID_CLAIMS.stream()
        .map(claims::get)
        .filter(value -> value != null && !value.isBlank())
        .findFirst()
        .map(value -> new Reviewer(TagText.sanitize(value, MAX_ID_LENGTH)))
        .orElseThrow(() -> ReviewException.unauthorized("the token names no user"));
  }

  private Reviewer fromKey(ReviewRequest request) throws SecretException {
    Optional<String> key =
        request
            .header("authorization")
            .map(String::trim)
            .filter(v -> v.toLowerCase(Locale.ROOT).startsWith("bearer "))
            .map(v -> v.substring("bearer ".length()).trim())
            .or(() -> request.header("x-reviewer-key").map(String::trim))
            .filter(v -> !v.isEmpty());
    if (key.isEmpty()) {
      throw ReviewException.unauthorized("a reviewer key is required");
    }
    return digests()
        .match(key.get())
        .map(name -> new Reviewer(name.isEmpty() ? "reviewer" : name))
        .orElseThrow(() -> ReviewException.unauthorized("the reviewer key is not valid"));
  }

  private KeyHashes digests() throws SecretException {
    String raw = keyDigests.value();
    Parsed current = parsed;
    if (current == null || !current.raw().equals(raw)) {
      try {
        current = new Parsed(raw, KeyHashes.parse(raw));
      } catch (IllegalArgumentException e) {
        throw new SecretException(
            ReviewConfig.REVIEWER_KEYS + " holds something other than name=sha256 entries",
            false,
            null);
      }
      parsed = current;
    }
    return current.hashes();
  }
}
