package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.net.FetchPolicy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the API function reads from its environment, parsed and checked at start-up. The
 * providers' own variables are read by their factories; the API keys by {@link ApiWiring} through
 * the shared secrets reader (they may be {@code ssm:} or {@code secretsmanager:} references).
 *
 * @param auth who may call: API keys (default), IAM in front of the API, or nobody checks
 * @param maxInlineBytes the largest image carried in the request itself; Lambda's 6 MB synchronous
 *     payload limit leaves about 4.4 MB of raw bytes once base64-encoded
 * @param maxBatch the most images one {@code /infer/classification} request may carry
 * @param s3Buckets buckets that {@code s3://} inputs may name; empty refuses every S3 input
 * @param threshold default minimum confidence of the labels {@code /classify} lists
 * @param topK default number of labels {@code /classify} lists for a single-label answer
 * @param multiLabelThreshold default threshold for Roboflow's {@code predicted_classes}
 * @param strictModels whether a compatible route whose dataset or model id is not in {@code
 *     AUTOTAG_API_MODELS} is refused (true) or answered by the default provider (false)
 * @param models which provider (and provider settings) answers each compatible route
 * @param priming whether to prime the request paths and classifier before a SnapStart snapshot
 */
record ApiConfig(
    AwsSettings aws,
    AuthMode auth,
    long maxInlineBytes,
    int maxBatch,
    Set<String> s3Buckets,
    double threshold,
    int topK,
    double multiLabelThreshold,
    boolean strictModels,
    FetchPolicy fetch,
    Map<String, ModelSpec> models,
    boolean priming) {

  static final String AUTH = "AUTOTAG_API_AUTH";
  static final String KEY_HASHES = "AUTOTAG_API_KEY_HASHES";
  static final String MODELS = "AUTOTAG_API_MODELS";
  static final String ROBOFLOW_PREFIX = "roboflow/";
  static final String EINSTEIN_PREFIX = "einstein/";

  /** How requests are authenticated. */
  enum AuthMode {
    /** An API key whose SHA-256 is in {@code AUTOTAG_API_KEY_HASHES}. */
    API_KEY,
    /** API Gateway's IAM authorisation; the function checks the event says so. */
    IAM,
    /** No check at all; an explicit choice for a private local stack. */
    NONE
  }

  /**
   * One entry of {@code AUTOTAG_API_MODELS}.
   *
   * @param provider the provider name, as in {@code AUTOTAG_PROVIDER}
   * @param settings variables that override the function's environment for this provider only, for
   *     example the provider's model or project variable
   * @param multiLabel forces the Roboflow response shape; {@code null} follows the provider's
   *     answer
   */
  record ModelSpec(String provider, Map<String, String> settings, Boolean multiLabel) {
    ModelSpec {
      settings = Map.copyOf(settings);
    }
  }

  static ApiConfig from(Settings settings, ObjectMapper json) {
    return new ApiConfig(
        AwsSettings.from(settings),
        authMode(settings),
        settings.longValue("AUTOTAG_API_MAX_INLINE_BYTES", 4_400_000L, 1, 10L * 1024 * 1024),
        settings.integer("AUTOTAG_API_MAX_BATCH", 8, 1, 100),
        Arrays.stream(settings.string("AUTOTAG_API_S3_BUCKETS", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        settings.decimal("AUTOTAG_API_THRESHOLD", 0.0, 0.0, 1.0),
        settings.integer("AUTOTAG_API_TOP_K", 5, 1, 1000),
        settings.decimal("AUTOTAG_API_MULTI_LABEL_THRESHOLD", 0.5, 0.0, 1.0),
        settings.bool("AUTOTAG_API_MODELS_STRICT", false),
        FetchPolicy.from(settings),
        models(settings, json),
        settings.bool("AUTOTAG_PRIMING", true));
  }

  private static AuthMode authMode(Settings settings) {
    String raw = settings.string(AUTH, "api-key").toLowerCase(Locale.ROOT);
    return switch (raw) {
      case "api-key", "apikey", "api_key" -> AuthMode.API_KEY;
      case "iam" -> AuthMode.IAM;
      case "none" -> AuthMode.NONE;
      default -> {
        settings.problem(AUTH + " must be api-key, iam or none");
        yield AuthMode.API_KEY;
      }
    };
  }

  /**
   * Parses {@code AUTOTAG_API_MODELS}: a JSON object from route key to a provider name or to {@code
   * {"provider": ..., "settings": {...}, "multiLabel": ...}}. Keys are {@code roboflow/<model id>}
   * (a Roboflow model id such as {@code my-dataset/3}) or {@code einstein/<modelId>}.
   */
  private static Map<String, ModelSpec> models(Settings settings, ObjectMapper json) {
    Optional<String> raw = settings.optional(MODELS);
    Map<String, ModelSpec> models = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return models;
    }
    JsonNode root;
    try {
      root = json.readTree(raw.get());
    } catch (Exception e) {
      settings.problem(MODELS + " must be a JSON object");
      return models;
    }
    if (root == null || !root.isObject()) {
      settings.problem(MODELS + " must be a JSON object");
      return models;
    }
    for (var entry : root.properties()) {
      String key = entry.getKey();
      if (!validKey(key)) {
        settings.problem(
            MODELS + " keys must look like roboflow/<model id> or einstein/<modelId>: " + key);
        continue;
      }
      JsonNode value = entry.getValue();
      if (value.isTextual() && !value.asText().isBlank()) {
        models.put(key, new ModelSpec(value.asText().trim(), Map.of(), null));
      } else if (value.isObject() && value.path("provider").isTextual()) {
        Map<String, String> overrides = new LinkedHashMap<>();
        value
            .path("settings")
            .properties()
            .forEach(e -> overrides.put(e.getKey(), e.getValue().asText()));
        Boolean multiLabel =
            value.path("multiLabel").isBoolean() ? value.get("multiLabel").asBoolean() : null;
        models.put(
            key, new ModelSpec(value.get("provider").asText().trim(), overrides, multiLabel));
      } else {
        settings.problem(MODELS + " entry " + key + " needs a provider name");
      }
    }
    return models;
  }

  private static boolean validKey(String key) {
    if (key.startsWith(ROBOFLOW_PREFIX)) {
      // A Roboflow model id: any name (Roboflow takes aliases), at most one slash
      String id = key.substring(ROBOFLOW_PREFIX.length());
      return !id.isEmpty()
          && Arrays.stream(id.split("/", -1)).noneMatch(String::isEmpty)
          && id.split("/", -1).length <= 2;
    }
    return key.startsWith(EINSTEIN_PREFIX) && key.length() > EINSTEIN_PREFIX.length();
  }

  /** The route key of a Roboflow model id ({@code dataset/version}, or an alias). */
  static String roboflowKey(String modelId) {
    return ROBOFLOW_PREFIX + modelId;
  }

  /** The route key of an Einstein model id. */
  static String einsteinKey(String modelId) {
    return EINSTEIN_PREFIX + modelId;
  }
}
