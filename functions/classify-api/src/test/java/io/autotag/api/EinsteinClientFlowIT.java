package io.autotag.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.local.LocalApiServer;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.einstein.EinsteinClassifier;
import io.autotag.shared.provider.einstein.EinsteinSettings;
import io.autotag.shared.secrets.Secrets;
import io.autotag.shared.testing.FakeClassifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An Einstein client's whole flow over real HTTP through the local front: autotag's own Einstein
 * provider (which signs an RS256 assertion with its private key, exchanges it at {@code
 * /v2/oauth2/token} and predicts with the token, as Einstein clients do) pointed at autotag's API,
 * with a key pair made here; and the refusals a client sees for a wrong audience, a wrong key and
 * an expired assertion.
 */
class EinsteinClientFlowIT {

  private static final KeyPair KEYS = EinsteinKeys.generate();
  private static final KeyPair OTHER = EinsteinKeys.generate();

  private final FakeClassifier scripted =
      TestApi.scripted("scripted").defaultAnswer(new Label("beach", 0.97), new Label("sea", 0.4));
  private LocalApiServer api;

  @BeforeEach
  void start() throws Exception {
    api =
        LocalApiServer.start(
            TestApi.handler(EinsteinKeys.env(KEYS), scripted),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            2);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private EinsteinClassifier client(KeyPair keys, String... overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTOTAG_EINSTEIN_BASE_URL", api.baseUri().toString());
    env.put("AUTOTAG_EINSTEIN_MODEL_ID", "GeneralImageClassifier");
    env.put("AUTOTAG_EINSTEIN_ACCOUNT_ID", EinsteinKeys.ACCOUNT);
    env.put("AUTOTAG_EINSTEIN_PRIVATE_KEY", EinsteinKeys.privatePem(keys));
    env.put("AUTOTAG_PROVIDER_MAX_RETRIES", "0");
    for (int i = 0; i < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    Settings settings = Settings.of(env);
    EinsteinSettings einstein = EinsteinSettings.from(settings, Secrets.create(settings, null));
    settings.check();
    return EinsteinClassifier.create(einstein);
  }

  @Test
  void anEinsteinClientGetsATokenAndPredictsUnchanged() throws Exception {
    Classification result = client(KEYS).classify(ImageInput.Bytes.of(TestApi.png(6, 6)));
    assertThat(result.labels()).extracting(Label::name).containsExactly("beach", "sea");
    assertThat(scripted.calls()).isEqualTo(1);
  }

  @Test
  void aWrongAudienceOrAWrongKeyIsRefusedAsUnauthorized() {
    for (EinsteinClassifier refused :
        new EinsteinClassifier[] {
          client(KEYS, "AUTOTAG_EINSTEIN_TOKEN_AUDIENCE", "https://example.com/oauth2/token"),
          client(OTHER)
        }) {
      ClassificationException thrown =
          catchThrowableOfType(
              ClassificationException.class,
              () -> refused.classify(ImageInput.Bytes.of(TestApi.png(6, 6))));
      assertThat(thrown.reason()).isEqualTo(FailureReason.UNAUTHORIZED);
    }
    assertThat(scripted.calls()).isZero();
  }

  @Test
  void anExpiredAssertionIsRefusedInEinsteinsShape() throws Exception {
    String expired =
        EinsteinKeys.rs256(
            KEYS.getPrivate(),
            EinsteinKeys.claims(
                EinsteinKeys.ACCOUNT, EinsteinKeys.AUDIENCE, Instant.now().minusSeconds(600)));
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api.baseUri() + "/v2/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(EinsteinKeys.form(expired)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = TestApi.JSON.readTree(response.body());
    assertThat(body.path("message").asText())
        .isEqualTo("Invalid JWT assertion: the assertion has expired");
  }
}
