package io.autotag.shared.provider.einstein;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.provider.http.ProviderHttp;
import io.autotag.shared.provider.http.SafeText;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Access tokens from the JWT bearer grant: signs an assertion with the account's RSA key, exchanges
 * it at the token endpoint, and caches the token until shortly before it expires (a minute, or half
 * its life when that is shorter). Each fetch is one attempt: the caller's retry budget covers it.
 * One refresh at a time; callers wait for it rather than stampede the token endpoint. Nothing is
 * fetched or signed before the first call, so a SnapStart snapshot holds no token and no timestamp.
 */
final class JwtBearerTokens implements AccessTokens {

  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final Duration MAX_MARGIN = Duration.ofMinutes(1);

  private final String subject;
  private final String audience;
  private final URI tokenUrl;
  private final Duration assertionLifetime;
  private final Secret privateKey;
  private final ProviderHttp http;
  private final Clock clock;
  private final ObjectMapper json;

  private String token;
  private Instant refreshAt;
  private String keyPem;
  private PrivateKey key;

  JwtBearerTokens(
      String subject,
      String audience,
      URI tokenUrl,
      Duration assertionLifetime,
      Secret privateKey,
      ProviderHttp http,
      Clock clock,
      ObjectMapper json) {
    this.subject = subject;
    this.audience = audience;
    this.tokenUrl = tokenUrl;
    this.assertionLifetime = assertionLifetime;
    this.privateKey = privateKey;
    this.http = http;
    this.clock = clock;
    this.json = json;
  }

  @Override
  public synchronized String current() throws ClassificationException {
    if (token == null || !clock.instant().isBefore(refreshAt)) {
      fetch();
    }
    return token;
  }

  @Override
  public synchronized boolean rejected(String rejected) {
    if (rejected.equals(token)) {
      token = null;
    }
    return true;
  }

  private void fetch() throws ClassificationException {
    String assertion;
    try {
      assertion =
          JwtAssertion.sign(key(), subject, audience, clock.instant(), assertionLifetime, json);
    } catch (GeneralSecurityException e) {
      throw new ClassificationException(
          FailureReason.UNAUTHORIZED,
          EinsteinClassifier.NAME
              + ": cannot sign the token assertion with "
              + privateKey.variable());
    }
    String form =
        "grant_type="
            + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
            + "&assertion="
            + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
    HttpRequest request =
        http.request(tokenUrl)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    Instant asked = clock.instant();
    // One attempt: the classification's retrier retries the whole step (token and prediction),
    // so a failing token endpoint is not retried again inside each retry of the prediction.
    JsonNode reply = exchange(request, assertion);
    String accessToken = reply.path("access_token").asText("");
    long expiresIn = reply.path("expires_in").asLong(0);
    if (accessToken.isEmpty() || expiresIn <= 0) {
      throw http.malformed("the token reply has no access_token or expires_in");
    }
    Duration life = Duration.ofSeconds(expiresIn);
    Duration margin = life.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? life.dividedBy(2) : MAX_MARGIN;
    token = accessToken;
    refreshAt = asked.plus(life).minus(margin);
  }

  private JsonNode exchange(HttpRequest request, String assertion) throws ClassificationException {
    HttpResponse<byte[]> response = http.send(request);
    JsonNode body;
    try {
      body = response.body().length == 0 ? null : json.readTree(response.body());
    } catch (IOException e) {
      body = null;
    }
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      String message = body == null ? "" : body.path("message").asText("");
      // A refused assertion is a credentials problem, whatever 4xx the server picks.
      var failure = http.failure(response, SafeText.clean(message, List.of(assertion)));
      if (status >= 400 && status < 500 && status != 429) {
        throw new ClassificationException(
            FailureReason.UNAUTHORIZED, "token request refused: " + failure.getMessage());
      }
      throw failure;
    }
    if (body == null || !body.isObject()) {
      throw http.malformed("the token reply is not a JSON object");
    }
    return body;
  }

  private PrivateKey key() throws ClassificationException, GeneralSecurityException {
    String pem;
    try {
      pem = privateKey.value();
    } catch (SecretException e) {
      throw ProviderHttp.secretFailure(EinsteinClassifier.NAME, e);
    }
    if (key == null || !pem.equals(keyPem)) {
      key = PemKeys.rsaPrivateKey(pem);
      keyPem = pem;
    }
    return key;
  }
}
