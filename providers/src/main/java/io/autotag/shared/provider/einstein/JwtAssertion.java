package io.autotag.shared.provider.einstein;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * An RS256-signed JWT assertion for the OAuth 2.0 JWT bearer grant (RFC 7523): header {@code
 * {"alg":"RS256","typ":"JWT"}}, claims {@code sub}, {@code aud}, {@code iat} and {@code exp}, each
 * part base64url without padding, signed with SHA256withRSA.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7523">RFC 7523</a>
 */
final class JwtAssertion {

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private JwtAssertion() {}

  static String sign(
      PrivateKey key,
      String subject,
      String audience,
      Instant now,
      Duration lifetime,
      ObjectMapper json)
      throws GeneralSecurityException {
    ObjectNode header = json.createObjectNode().put("alg", "RS256").put("typ", "JWT");
    ObjectNode claims =
        json.createObjectNode()
            .put("sub", subject)
            .put("aud", audience)
            .put("iat", now.getEpochSecond())
            .put("exp", now.plus(lifetime).getEpochSecond());
    String signingInput = part(header.toString()) + "." + part(claims.toString());
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + BASE64URL.encodeToString(signer.sign());
  }

  private static String part(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
