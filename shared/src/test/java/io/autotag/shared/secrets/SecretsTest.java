package io.autotag.shared.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.config.Settings;
import io.autotag.shared.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {

  private final List<SecretReference> fetched = new ArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private int version;

  private final SecretStore store =
      reference -> {
        fetched.add(reference);
        return "value-" + reference.name() + "-" + ++version;
      };

  private Secrets secrets(Map<String, String> env) {
    Settings settings = Settings.of(env);
    return new Secrets(settings, store, Secrets.ttl(settings), clock);
  }

  @Test
  void aLiteralIsUsedAsIsAndNeverFetched() throws Exception {
    Secret secret = secrets(Map.of("KEY", "literal-key-123")).optional("KEY").orElseThrow();
    assertThat(secret.value()).isEqualTo("literal-key-123");
    assertThat(secret.isReference()).isFalse();
    assertThat(fetched).isEmpty();
    assertThat(secret.toString()).doesNotContain("literal-key-123");
  }

  @Test
  void aReferenceIsFetchedOnFirstUseAndCachedForTheTtl() throws Exception {
    Secret secret =
        secrets(Map.of("KEY", "ssm:/autotag/key", "AUTOTAG_SECRET_TTL_SECONDS", "60"))
            .optional("KEY")
            .orElseThrow();
    assertThat(fetched).as("nothing is fetched at start-up").isEmpty();

    assertThat(secret.value()).isEqualTo("value-/autotag/key-1");
    clock.advance(Duration.ofSeconds(59));
    assertThat(secret.value()).isEqualTo("value-/autotag/key-1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(secret.value()).isEqualTo("value-/autotag/key-2");
    assertThat(fetched)
        .containsExactly(
            new SecretReference(SecretReference.Store.SSM, "/autotag/key"),
            new SecretReference(SecretReference.Store.SSM, "/autotag/key"));
  }

  @Test
  void invalidateForcesAFetch() throws Exception {
    Secret secret =
        secrets(Map.of("KEY", "secretsmanager:prod/roboflow")).optional("KEY").orElseThrow();
    secret.value();
    secret.invalidate();
    assertThat(secret.value()).isEqualTo("value-prod/roboflow-2");
    assertThat(fetched.getFirst().store()).isEqualTo(SecretReference.Store.SECRETS_MANAGER);
    assertThat(secret.toString()).isEqualTo("Secret[KEY from secretsmanager:prod/roboflow]");
  }

  @Test
  void aMissingRequiredSecretAndAnEmptyReferenceAreReported() {
    Settings settings = Settings.of(Map.of("B", "ssm:"));
    Secrets secrets = new Secrets(settings, store, Duration.ZERO, clock);
    secrets.required("A");
    secrets.optional("B");
    assertThatThrownBy(settings::check)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("A is required")
        .hasMessageContaining("B is an ssm: or secretsmanager: reference without a name");
  }

  @Test
  void withoutAwsClientsAReferenceFailsAsAPermanentProblem() {
    Settings settings = Settings.of(Map.of("KEY", "ssm:/x"));
    Secret secret = Secrets.create(settings, null).optional("KEY").orElseThrow();
    assertThatThrownBy(secret::value)
        .isInstanceOf(SecretException.class)
        .satisfies(e -> assertThat(((SecretException) e).retryable()).isFalse());
  }
}
