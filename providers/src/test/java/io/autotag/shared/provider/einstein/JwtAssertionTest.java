package io.autotag.shared.provider.einstein;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtAssertionTest {

  static KeyPair keys;
  final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
  }

  @Test
  void theAssertionIsASignedRs256JwtWithTheClaims() throws Exception {
    Instant now = Instant.parse("2025-03-01T10:00:00Z");
    String jwt =
        JwtAssertion.sign(
            keys.getPrivate(), "me@example.com", "https://aud", now, Duration.ofMinutes(5), json);

    String[] parts = jwt.split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(jwt).doesNotContain("=").doesNotContain("+").doesNotContain("/");
    JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
    JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(header.path("alg").asText()).isEqualTo("RS256");
    assertThat(claims.path("sub").asText()).isEqualTo("me@example.com");
    assertThat(claims.path("aud").asText()).isEqualTo("https://aud");
    assertThat(claims.path("exp").asLong()).isEqualTo(now.getEpochSecond() + 300);
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(keys.getPublic());
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  void pkcs8AndPkcs1PemKeysLoadToTheSameKey() throws Exception {
    byte[] pkcs8 = keys.getPrivate().getEncoded();
    // A 2048-bit RSA PrivateKeyInfo holds the PKCS#1 key after a 26-byte prefix.
    assertThat(pkcs8[22]).isEqualTo((byte) 0x04);
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    String pem8 =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pkcs8)
            + "\n-----END PRIVATE KEY-----";
    String pem1 =
        "-----BEGIN RSA PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pkcs1)
            + "\n-----END RSA PRIVATE KEY-----";
    assertThat(PemKeys.rsaPrivateKey(pem8)).isEqualTo(keys.getPrivate());
    assertThat(PemKeys.rsaPrivateKey(pem1).getEncoded()).isEqualTo(pkcs8);
  }

  @Test
  void garbageIsNotAKey() {
    assertThatThrownBy(() -> PemKeys.rsaPrivateKey("-----BEGIN PRIVATE KEY-----\n!!\n"))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> PemKeys.rsaPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n"))
        .isInstanceOf(GeneralSecurityException.class);
  }
}
