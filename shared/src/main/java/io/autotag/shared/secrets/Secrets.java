package io.autotag.shared.secrets;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads secret settings. A value starting with {@code ssm:} or {@code secretsmanager:} is a
 * reference resolved lazily through the store and cached for {@code AUTOTAG_SECRET_TTL_SECONDS}
 * (default 300); any other value is the secret itself. Endpoints for emulators come from {@code
 * AWS_ENDPOINT_URL_SSM}, {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, {@code AUTOTAG_ENDPOINT_URL} or
 * {@code AWS_ENDPOINT_URL}.
 */
public final class Secrets {

  public static final String TTL_VARIABLE = "AUTOTAG_SECRET_TTL_SECONDS";

  private final Settings settings;
  private final SecretStore store;
  private final Duration ttl;
  private final Clock clock;

  public Secrets(Settings settings, SecretStore store, Duration ttl, Clock clock) {
    this.settings = settings;
    this.store = store;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Secrets backed by SSM and Secrets Manager through {@code aws}. */
  public static Secrets create(Settings settings, AwsClients aws) {
    Optional<URI> common = AwsSettings.commonEndpoint(settings);
    var ssm = settings.httpUri("AWS_ENDPOINT_URL_SSM").or(() -> common);
    var secretsManager = settings.httpUri("AWS_ENDPOINT_URL_SECRETS_MANAGER").or(() -> common);
    // Built now but connects to nothing until a reference is read; without AWS clients (tests),
    // reading a reference fails as a configuration mistake.
    SecretStore store =
        aws == null
            ? reference -> {
              throw new SecretException("no AWS clients to read " + reference, false, null);
            }
            : new AwsSecretStore(aws, ssm.orElse(null), secretsManager.orElse(null));
    return new Secrets(settings, store, ttl(settings), Clock.systemUTC());
  }

  public static Duration ttl(Settings settings) {
    return Duration.ofSeconds(settings.longValue(TTL_VARIABLE, 300, 0, 86_400));
  }

  /** The secret in {@code variable}, if set; a malformed reference is recorded as a problem. */
  public Optional<Secret> optional(String variable) {
    Optional<String> raw = settings.optional(variable);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    String value = raw.get();
    if (!SecretReference.isReference(value)) {
      return Optional.of(Secret.literal(variable, value));
    }
    try {
      return Optional.of(
          Secret.reference(variable, SecretReference.parse(value), store, ttl, clock));
    } catch (IllegalArgumentException e) {
      settings.problem(variable + " is an ssm: or secretsmanager: reference without a name");
      return Optional.empty();
    }
  }

  /** The secret in {@code variable}; records a problem when unset. */
  public Optional<Secret> required(String variable) {
    Optional<Secret> secret = optional(variable);
    if (secret.isEmpty() && settings.optional(variable).isEmpty()) {
      settings.problem(variable + " is required");
    }
    return secret;
  }
}
