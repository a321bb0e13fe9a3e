package io.autotag.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an Einstein client holds and does, for the token exchange tests: an RSA key pair made in the
 * test, its PEM forms, and JWT assertions signed the way clients sign them (and the ways they must
 * not be accepted), with the JDK only so the tests do not share code with what they check.
 */
final class EinsteinKeys {

  static final String ACCOUNT = "ops@example.com";
  static final String AUDIENCE = "https://api.einstein.ai/v2/oauth2/token";

  /** The token-signing key the tests configure (a literal here; a reference in AWS). */
  static final String TOKEN_KEY = "test-token-signing-key-0123456789abcdef";

  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private EinsteinKeys() {}

  static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String publicPem(KeyPair pair) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static String privatePem(KeyPair pair) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** A working API environment with the token exchange on, {@code pair} as {@link #ACCOUNT}. */
  static java.util.Map<String, String> env(KeyPair pair, String... more) {
    java.util.Map<String, String> env =
        TestApi.env(EinsteinTokens.ACCOUNTS, accounts(pair), EinsteinTokens.TOKEN_KEY, TOKEN_KEY);
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** {@code AUTOTAG_API_EINSTEIN_ACCOUNTS} registering {@code pair} as {@link #ACCOUNT}. */
  static String accounts(KeyPair pair) {
    return TestApi.JSON.createObjectNode().put(ACCOUNT, publicPem(pair)).toString();
  }

  static ObjectNode claims(String subject, String audience, Instant expires) {
    return TestApi.JSON
        .createObjectNode()
        .put("sub", subject)
        .put("aud", audience)
        .put("exp", expires.getEpochSecond());
  }

  /** An RS256 assertion, as Einstein clients sign them. */
  static String rs256(PrivateKey key, ObjectNode claims) {
    String input = part("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + part(claims.toString());
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + URL.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HS256 JWT with {@code key} as the MAC key (a forged token, or alg confusion). */
  static String hs256(byte[] key, String claimsJson) {
    String input = part("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + part(claimsJson);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return input
          + "."
          + URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned JWT ({@code alg: none}). */
  static String unsigned(ObjectNode claims) {
    return part("{\"alg\":\"none\"}") + "." + part(claims.toString()) + ".";
  }

  static String form(String assertion) {
    return "grant_type="
        + java.net.URLEncoder.encode(EinsteinTokens.GRANT_TYPE, StandardCharsets.UTF_8)
        + "&assertion="
        + java.net.URLEncoder.encode(assertion, StandardCharsets.UTF_8);
  }

  private static String part(String json) {
    return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
