package io.autotag.api;

import static io.autotag.api.TestApi.body;
import static io.autotag.api.TestApi.env;
import static io.autotag.api.TestApi.handler;
import static io.autotag.api.TestApi.invoke;
import static io.autotag.api.TestApi.v2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.testing.FakeClassifier;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An Einstein client's whole flow through the handler: a key pair made here, an RS256 assertion,
 * the token from {@code /v2/oauth2/token}, a prediction with it; and every assertion or token that
 * must not open the API refused.
 */
class EinsteinTokenExchangeTest {

  private static final KeyPair KEYS = EinsteinKeys.generate();
  private static final KeyPair OTHER = EinsteinKeys.generate();
  private static final String PREDICT_FORM =
      "--b\r\nContent-Disposition: form-data; name=\"modelId\"\r\n\r\nGeneralImageClassifier\r\n"
          + "--b\r\nContent-Disposition: form-data; name=\"sampleBase64Content\"\r\n\r\n"
          + java.util.Base64.getEncoder().encodeToString(TestApi.png(4, 4))
          + "\r\n--b--\r\n";

  private final FakeClassifier scripted = TestApi.scripted("scripted");
  private final ApiHandler handler = handler(tokenEnv(), scripted);

  private static Map<String, String> tokenEnv(String... more) {
    return EinsteinKeys.env(KEYS, more);
  }

  private static JsonNode token(ApiHandler h, String assertion) {
    return invoke(
        h,
        v2(
            "POST",
            "/v2/oauth2/token",
            "",
            Map.of("content-type", "application/x-www-form-urlencoded"),
            EinsteinKeys.form(assertion).getBytes(StandardCharsets.UTF_8),
            false));
  }

  private static JsonNode predict(ApiHandler h, String bearer) {
    return invoke(
        h,
        v2(
            "POST",
            "/v2/vision/predict",
            "",
            Map.of(
                "content-type",
                "multipart/form-data; boundary=b",
                "authorization",
                "Bearer " + bearer),
            PREDICT_FORM.getBytes(StandardCharsets.UTF_8),
            true));
  }

  private static String validAssertion() {
    return EinsteinKeys.rs256(
        KEYS.getPrivate(),
        EinsteinKeys.claims(
            EinsteinKeys.ACCOUNT, EinsteinKeys.AUDIENCE, Instant.now().plusSeconds(300)));
  }

  private String accessToken() {
    JsonNode answer = token(handler, validAssertion());
    assertThat(answer.path("statusCode").asInt()).as(answer.toString()).isEqualTo(200);
    return body(answer).path("access_token").asText();
  }

  @Test
  void aClientSignsAnAssertionGetsATokenAndPredictsWithIt() {
    JsonNode answer = token(handler, validAssertion());
    assertThat(answer.path("statusCode").asInt()).isEqualTo(200);
    JsonNode token = body(answer);
    assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(token.path("expires_in").asLong()).isEqualTo(900);
    assertThat(answer.path("headers").path("cache-control").asText()).isEqualTo("no-store");

    JsonNode prediction = predict(handler, token.path("access_token").asText());
    assertThat(prediction.path("statusCode").asInt()).as(prediction.toString()).isEqualTo(200);
    assertThat(body(prediction).path("object").asText()).isEqualTo("predictresponse");
    // The API key as bearer keeps working
    assertThat(predict(handler, TestApi.KEY).path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void anotherInstanceWithTheSameSettingsAcceptsTheTokenWithoutSharedState() {
    String token = accessToken();
    ApiHandler elsewhere = handler(tokenEnv(), TestApi.scripted("scripted"));
    assertThat(predict(elsewhere, token).path("statusCode").asInt()).isEqualTo(200);
    // With another signing key (rotated), it is refused
    ApiHandler rotated =
        handler(
            tokenEnv(EinsteinTokens.TOKEN_KEY, "another-signing-key-0123456789abcdefgh"),
            TestApi.scripted("scripted"));
    assertThat(predict(rotated, token).path("statusCode").asInt()).isEqualTo(401);
  }

  @Test
  void assertionsThatMustNotOpenTheApiAreRefused() {
    Instant soon = Instant.now().plusSeconds(300);
    Map<String, String> refused =
        Map.of(
            "expired",
            EinsteinKeys.rs256(
                KEYS.getPrivate(),
                EinsteinKeys.claims(
                    EinsteinKeys.ACCOUNT,
                    EinsteinKeys.AUDIENCE,
                    Instant.now().minus(Duration.ofMinutes(2)))),
            "wrong audience",
            EinsteinKeys.rs256(
                KEYS.getPrivate(),
                EinsteinKeys.claims(EinsteinKeys.ACCOUNT, "https://example.com/token", soon)),
            "signed with another key",
            EinsteinKeys.rs256(
                OTHER.getPrivate(),
                EinsteinKeys.claims(EinsteinKeys.ACCOUNT, EinsteinKeys.AUDIENCE, soon)),
            "unknown account",
            EinsteinKeys.rs256(
                KEYS.getPrivate(),
                EinsteinKeys.claims("someone@example.com", EinsteinKeys.AUDIENCE, soon)),
            "unsigned",
            EinsteinKeys.unsigned(
                EinsteinKeys.claims(EinsteinKeys.ACCOUNT, EinsteinKeys.AUDIENCE, soon)),
            "HS256 with the public key as secret",
            EinsteinKeys.hs256(
                EinsteinKeys.publicPem(KEYS).getBytes(StandardCharsets.US_ASCII),
                EinsteinKeys.claims(EinsteinKeys.ACCOUNT, EinsteinKeys.AUDIENCE, soon).toString()),
            "valid for days",
            EinsteinKeys.rs256(
                KEYS.getPrivate(),
                EinsteinKeys.claims(
                    EinsteinKeys.ACCOUNT,
                    EinsteinKeys.AUDIENCE,
                    Instant.now().plus(Duration.ofDays(3)))),
            "no exp",
            EinsteinKeys.rs256(
                KEYS.getPrivate(),
                TestApi.JSON
                    .createObjectNode()
                    .put("sub", EinsteinKeys.ACCOUNT)
                    .put("aud", EinsteinKeys.AUDIENCE)),
            "not a JWT",
            "not-a-jwt");
    refused.forEach(
        (why, assertion) -> {
          JsonNode answer = token(handler, assertion);
          assertThat(answer.path("statusCode").asInt()).as(why).isEqualTo(400);
          assertThat(body(answer).path("message").asText())
              .as(why)
              .startsWith("Invalid JWT assertion");
          assertThat(body(answer).has("access_token")).isFalse();
        });
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void aSmallClockSkewIsAllowedAndConfigurable() {
    String justExpired =
        EinsteinKeys.rs256(
            KEYS.getPrivate(),
            EinsteinKeys.claims(
                EinsteinKeys.ACCOUNT, EinsteinKeys.AUDIENCE, Instant.now().minusSeconds(20)));
    assertThat(token(handler, justExpired).path("statusCode").asInt()).isEqualTo(200);
    ApiHandler strict =
        handler(tokenEnv(EinsteinTokens.CLOCK_SKEW_SECONDS, "0"), TestApi.scripted("scripted"));
    assertThat(token(strict, justExpired).path("statusCode").asInt()).isEqualTo(400);
  }

  @Test
  void tokensThatMustNotOpenThePredictRouteAreRefused() {
    String token = accessToken();
    String[] parts = token.split("\\.");
    String tampered =
        parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
    long past = Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond();
    String expired =
        EinsteinKeys.hs256(
            EinsteinKeys.TOKEN_KEY.getBytes(StandardCharsets.UTF_8),
            "{\"iss\":\"autotag\",\"aud\":\"autotag/einstein-vision\",\"sub\":\""
                + EinsteinKeys.ACCOUNT
                + "\",\"exp\":"
                + past
                + "}");
    String forged =
        EinsteinKeys.hs256(
            "a-key-that-is-not-the-api-signing-key".getBytes(StandardCharsets.UTF_8),
            "{\"iss\":\"autotag\",\"aud\":\"autotag/einstein-vision\",\"sub\":\""
                + EinsteinKeys.ACCOUNT
                + "\",\"exp\":"
                + Instant.now().plusSeconds(600).getEpochSecond()
                + "}");
    for (String bad : new String[] {tampered, expired, forged, validAssertion()}) {
      JsonNode answer = predict(handler, bad);
      assertThat(answer.path("statusCode").asInt()).isEqualTo(401);
      assertThat(body(answer).has("message")).isTrue();
    }
    // An account removed from the configuration: its tokens stop at once
    ApiHandler removed =
        handler(
            tokenEnv(
                EinsteinTokens.ACCOUNTS,
                TestApi.JSON
                    .createObjectNode()
                    .put("someone-else", EinsteinKeys.publicPem(OTHER))
                    .toString()),
            TestApi.scripted("scripted"));
    assertThat(predict(removed, token).path("statusCode").asInt()).isEqualTo(401);
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void theRequestItselfIsChecked() {
    JsonNode wrongGrant =
        invoke(
            handler,
            v2(
                "POST",
                "/v2/oauth2/token",
                "",
                Map.of("content-type", "application/x-www-form-urlencoded"),
                "grant_type=password&assertion=x".getBytes(StandardCharsets.UTF_8),
                false));
    assertThat(wrongGrant.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(wrongGrant).path("message").asText()).contains("grant_type");
    JsonNode get = invoke(handler, v2("GET", "/v2/oauth2/token", "", Map.of(), null, false));
    assertThat(get.path("statusCode").asInt()).isEqualTo(405);
    // Without accounts the exchange is off, and the API key still opens the Einstein route
    ApiHandler plain = handler(env(), TestApi.scripted("scripted"));
    JsonNode off = token(plain, validAssertion());
    assertThat(off.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(off).path("message").asText()).contains("token exchange is off");
    assertThat(predict(plain, TestApi.KEY).path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void badSettingsFailAtStartUp() {
    assertThatThrownBy(
            () -> handler(env(EinsteinTokens.ACCOUNTS, EinsteinKeys.accounts(KEYS)), scripted))
        .hasMessageContaining(EinsteinTokens.TOKEN_KEY);
    assertThatThrownBy(() -> handler(tokenEnv(EinsteinTokens.TOKEN_KEY, "short"), scripted))
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(
            () -> handler(tokenEnv(EinsteinTokens.ACCOUNTS, "{\"a\": \"not a key\"}"), scripted))
        .hasMessageContaining("the key of a is not an RSA public key")
        .hasMessageNotContaining("not a key");
  }
}
