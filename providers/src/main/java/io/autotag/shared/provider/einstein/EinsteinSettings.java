package io.autotag.shared.provider.einstein;

import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.Downscaling;
import io.autotag.shared.provider.http.HttpSettings;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Einstein Vision's configuration: where the API is, which model, and how to authenticate: either a
 * fixed access token ({@code AUTOTAG_EINSTEIN_TOKEN}) or an account id plus RSA private key from
 * which tokens are minted ({@code AUTOTAG_EINSTEIN_ACCOUNT_ID}, {@code
 * AUTOTAG_EINSTEIN_PRIVATE_KEY}).
 *
 * @param numResults how many labels to ask for; {@code null}: Einstein's default
 * @param token the fixed access token, or {@code null} when tokens are minted from {@code
 *     privateKey}
 * @param privateKey the key tokens are minted with, or {@code null} with a fixed {@code token}
 * @param uploadAs how bytes travel: {@code file} ({@code sampleContent}, smaller) or {@code base64}
 *     ({@code sampleBase64Content})
 */
public record EinsteinSettings(
    URI baseUrl,
    String modelId,
    Integer numResults,
    boolean multiLabel,
    Secret token,
    String accountId,
    Secret privateKey,
    URI tokenUrl,
    String audience,
    Duration assertionLifetime,
    Upload uploadAs,
    long maxBytes,
    Downscaling downscaling,
    HttpSettings http) {

  /** How image bytes are sent. */
  public enum Upload {
    FILE,
    BASE64
  }

  public static final URI DEFAULT_BASE_URL = URI.create("https://api.einstein.ai");
  public static final String DEFAULT_AUDIENCE = "https://api.einstein.ai/v2/oauth2/token";

  /** Einstein's documented upload limit. */
  public static final long MAX_BYTES = 5L * 1024 * 1024;

  public static EinsteinSettings from(Settings settings, Secrets secrets) {
    URI base = settings.httpUri("AUTOTAG_EINSTEIN_BASE_URL").orElse(DEFAULT_BASE_URL);
    String modelId = settings.required("AUTOTAG_EINSTEIN_MODEL_ID");
    Integer numResults =
        settings.optional("AUTOTAG_EINSTEIN_NUM_RESULTS").isPresent()
            ? settings.integer("AUTOTAG_EINSTEIN_NUM_RESULTS", 5, 1, 1000)
            : null;
    Optional<Secret> token = secrets.optional("AUTOTAG_EINSTEIN_TOKEN");
    Optional<Secret> key = secrets.optional("AUTOTAG_EINSTEIN_PRIVATE_KEY");
    String account = settings.string("AUTOTAG_EINSTEIN_ACCOUNT_ID", "");
    if (token.isEmpty() && (key.isEmpty() || account.isEmpty())) {
      settings.problem(
          "AUTOTAG_EINSTEIN_TOKEN, or AUTOTAG_EINSTEIN_ACCOUNT_ID with AUTOTAG_EINSTEIN_PRIVATE_KEY,"
              + " is required");
    }
    if (token.isPresent() && key.isPresent()) {
      settings.problem(
          "AUTOTAG_EINSTEIN_TOKEN and AUTOTAG_EINSTEIN_PRIVATE_KEY exclude each other");
    }
    URI tokenUrl =
        settings
            .httpUri("AUTOTAG_EINSTEIN_TOKEN_URL")
            .orElse(URI.create(stripSlash(base.toString()) + "/v2/oauth2/token"));
    Upload upload =
        switch (settings.string("AUTOTAG_EINSTEIN_UPLOAD", "file").toLowerCase(Locale.ROOT)) {
          case "file" -> Upload.FILE;
          case "base64" -> Upload.BASE64;
          default -> {
            settings.problem("AUTOTAG_EINSTEIN_UPLOAD must be file or base64");
            yield Upload.FILE;
          }
        };
    return new EinsteinSettings(
        base,
        modelId,
        numResults,
        settings.bool("AUTOTAG_EINSTEIN_MULTI_LABEL", false),
        token.orElse(null),
        account,
        key.orElse(null),
        tokenUrl,
        settings.string("AUTOTAG_EINSTEIN_TOKEN_AUDIENCE", DEFAULT_AUDIENCE),
        Duration.ofSeconds(settings.longValue("AUTOTAG_EINSTEIN_ASSERTION_SECONDS", 300, 30, 3600)),
        upload,
        settings.longValue("AUTOTAG_EINSTEIN_MAX_BYTES", MAX_BYTES, 1, MAX_BYTES),
        Downscaling.from(settings),
        HttpSettings.from(settings));
  }

  static String stripSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }
}
