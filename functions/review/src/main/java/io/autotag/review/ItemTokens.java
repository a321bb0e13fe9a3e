package io.autotag.review;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks item tokens: {@code base64url(payload) "." base64url(HMAC-SHA256(key, "v1."
 * payload))}. The payload is the {@link ItemToken} as JSON; the page treats the token as opaque. A
 * token whose bytes were changed, or that another key signed, is refused; so is one older than
 * SQS's longest visibility timeout, whose receipt handle cannot still be valid. The key is a {@link
 * Secret} ({@code AUTOTAG_REVIEW_TOKEN_KEY}, at least 32 characters), read on first use: after a
 * SnapStart restore, never in the snapshot.
 */
final class ItemTokens {

  static final int MAX_TOKEN_LENGTH = 16 * 1024;
  static final int MIN_KEY_LENGTH = 32;
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] DOMAIN = "autotag-review-item.v1.".getBytes(StandardCharsets.UTF_8);
  private static final Duration MAX_AGE =
      Duration.ofSeconds(ReviewConfig.MAX_LEASE_SECONDS).plusMinutes(5);

  private final Secret key;
  private final ObjectMapper json;
  private final Clock clock;

  /** The JSON form; short names keep tokens small. */
  private record Payload(
      @JsonProperty("h") String receiptHandle,
      @JsonProperty("i") String messageId,
      @JsonProperty("r") String reviewer,
      @JsonProperty("c") long claimedAtMillis,
      @JsonProperty("m") ReviewMessage message) {}

  ItemTokens(Secret key, ObjectMapper json, Clock clock) {
    this.key = key;
    this.json = json;
    this.clock = clock;
  }

  String issue(ItemToken token) throws SecretException {
    byte[] payload;
    try {
      payload =
          json.writeValueAsBytes(
              new Payload(
                  token.receiptHandle(),
                  token.messageId(),
                  token.reviewer(),
                  token.claimedAt().toEpochMilli(),
                  token.message()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    return base64.encodeToString(payload) + "." + base64.encodeToString(mac(payload));
  }

  /**
   * The token's contents, if this service signed it and it is not too old.
   *
   * @throws ReviewException 403 {@code invalid-token}, 409 {@code lease-lost} when expired
   */
  ItemToken verify(String token) throws SecretException {
    if (token == null || token.length() > MAX_TOKEN_LENGTH) {
      throw ReviewException.invalidToken();
    }
    int dot = token.indexOf('.');
    if (dot < 0 || token.indexOf('.', dot + 1) >= 0) {
      throw ReviewException.invalidToken();
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
      signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw ReviewException.invalidToken();
    }
    if (!MessageDigest.isEqual(mac(payload), signature)) {
      throw ReviewException.invalidToken();
    }
    Payload parsed;
    try {
      parsed = json.readValue(payload, Payload.class);
    } catch (IOException | RuntimeException e) {
      // Signed by us but unreadable: a token from an incompatible version.
      throw ReviewException.invalidToken();
    }
    Instant claimedAt = Instant.ofEpochMilli(parsed.claimedAtMillis());
    if (clock.instant().isAfter(claimedAt.plus(MAX_AGE))) {
      throw ReviewException.leaseLost();
    }
    return new ItemToken(
        parsed.receiptHandle(), parsed.messageId(), parsed.reviewer(), claimedAt, parsed.message());
  }

  private byte[] mac(byte[] payload) throws SecretException {
    byte[] secret = key.value().getBytes(StandardCharsets.UTF_8);
    if (secret.length < MIN_KEY_LENGTH) {
      throw new SecretException(
          ReviewConfig.TOKEN_KEY + " must be at least " + MIN_KEY_LENGTH + " characters",
          false,
          null);
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
      mac.update(DOMAIN);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has " + ALGORITHM, e);
    }
  }
}
