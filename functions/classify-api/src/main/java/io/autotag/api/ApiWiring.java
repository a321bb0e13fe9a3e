package io.autotag.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.classify.PrimingImage;
import io.autotag.shared.config.Settings;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.net.SafeUrlFetcher;
import io.autotag.shared.priming.SnapStartPriming;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import io.autotag.shared.secrets.Secrets;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.cloudwatchlogs.emf.sinks.ConsoleSink;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * Builds the API function once per process from its environment: AWS clients, the classifiers for
 * every route, the URL fetcher, the authenticator and the routes. Invalid settings fail here, at
 * start-up, with one message naming every bad variable.
 */
// Public so the local stack in cli/ serves the API with emulator credentials.
public final class ApiWiring implements AutoCloseable {

  private final ApiConfig config;
  private final AwsClients aws;
  private final SafeUrlFetcher fetcher;
  private final ObjectMapper json;
  private final ApiEvents events;
  private final Router router;
  // The CRaC runtime holds resources weakly: this field keeps the hook alive.
  private final SnapStartPriming priming;
  private final ModelRoutes models;
  private final Metrics metrics;

  private ApiWiring(
      ApiConfig config,
      AwsClients aws,
      SafeUrlFetcher fetcher,
      ObjectMapper json,
      ApiKeyAuthenticator auth,
      EinsteinTokens tokens,
      ModelRoutes models,
      Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.aws = aws;
    this.models = models;
    this.fetcher = fetcher;
    this.json = json;
    this.events = new ApiEvents(json);
    ImageResolver images =
        new ImageResolver(
            config.maxInlineBytes(), config.s3Buckets(), fetcher, new S3ImageReader(aws.s3()));
    this.router =
        new Router(
            auth,
            new ClassifyRoute(models, images, json, config),
            new RoboflowRoutes(models, images, auth, json, config),
            new EinsteinRoutes(models, images, json),
            tokens,
            json,
            metrics);
    this.priming =
        config.priming()
            ? SnapStartPriming.register(
                this::primingRequests, models.defaultTarget().classifier(), S3Client.class)
            : null;
  }

  /**
   * The API's own priming paths: event routing, JSON, base64 and the error responses, with requests
   * that every authentication mode stops before a key hash, a provider or S3 is touched (no key:
   * 401 in the api-key and IAM modes; with no authentication, an image that is not one: 415), and
   * header-only image decoding; then a sample of the metrics, serialised into nothing (the priming
   * requests are not counted, and no metric is emitted before the snapshot). Returns the statuses,
   * for tests.
   */
  List<Integer> primingRequests() {
    byte[] notAnImage =
        "{\"image\":{\"type\":\"base64\",\"value\":\"AAAA\"}}".getBytes(StandardCharsets.UTF_8);
    List<Integer> statuses =
        List.of(
            router.dispatch(primingRequest("GET", "/health", Map.of(), new byte[0])).status(),
            router
                .dispatch(
                    primingRequest(
                        "POST",
                        "/classify",
                        Map.of("content-type", "application/json"),
                        notAnImage))
                .status(),
            // The token exchange's JWT parsing: an HS256 assertion is refused at the algorithm
            // check, before any Einstein account or signing key is read.
            router
                .dispatch(
                    primingRequest(
                        "POST",
                        "/v2/oauth2/token",
                        Map.of("content-type", "application/x-www-form-urlencoded"),
                        ("grant_type="
                                + EinsteinTokens.GRANT_TYPE
                                + "&assertion=eyJhbGciOiJIUzI1NiJ9.e30.eA")
                            .getBytes(StandardCharsets.UTF_8)))
                .status());
    ImageDimensions.read(PrimingImage.png());
    metrics.primeAndDiscard();
    return statuses;
  }

  private static ApiRequest primingRequest(
      String method, String path, Map<String, String> headers, byte[] body) {
    return new ApiRequest(
        method, path, headers, Map.of(), body, "priming", PayloadVersion.V2, null);
  }

  /** The production wiring: default credentials chain and the built-in providers. */
  static ApiWiring fromEnvironment(Map<String, String> env) {
    return create(env, ProviderRegistry.builtIn(), AwsClients::create);
  }

  /**
   * Wiring with explicit providers and AWS clients, the seam every function offers the local stack
   * in cli/: {@code create(env, providers, aws)}, then {@link ApiHandler#create}. The caller closes
   * it.
   */
  public static ApiWiring create(
      Map<String, String> env,
      ProviderRegistry providers,
      Function<AwsSettings, AwsClients> awsFactory) {
    return create(env, providers, awsFactory, new ConsoleSink());
  }

  /** The same with the metrics written to {@code metricsSink} when they are on. */
  static ApiWiring create(
      Map<String, String> env,
      ProviderRegistry providers,
      Function<AwsSettings, AwsClients> awsFactory,
      ISink metricsSink) {
    ObjectMapper json = new ObjectMapper();
    Settings settings = Settings.of(env);
    ApiConfig config = ApiConfig.from(settings, json);
    Metrics metrics = Metrics.from(settings, metricsSink);
    // Built first (they connect to nothing yet) so that the key hashes and Einstein secrets can be
    // read, as references, before the one check below.
    AwsClients aws = awsFactory.apply(config.aws());
    try {
      Access access = Access.read(config, settings, Secrets.create(settings, aws), json);
      ModelRoutes.readSettings(config, env, settings, providers);
      // One error for every bad variable, the keys' and the providers' included, before a model
      // is loaded.
      settings.check();
      ModelRoutes models =
          ModelRoutes.build(config, env, settings, providers.measuredBy(metrics), aws);
      // What only building finds: a model file that cannot be read.
      settings.check();
      return new ApiWiring(
          config,
          aws,
          SafeUrlFetcher.create(config.fetch()),
          json,
          new ApiKeyAuthenticator(config.auth(), access.keyHashes()),
          access.tokens(),
          models,
          metrics);
    } catch (RuntimeException | Error e) {
      aws.close();
      throw e;
    }
  }

  /**
   * Every problem with {@code env} (keys, Einstein token exchange and every provider's variables
   * included), found without building anything or reading a stored secret: how the local stack
   * checks all its functions before it starts any.
   */
  public static List<String> problems(Map<String, String> env, ProviderRegistry providers) {
    ObjectMapper json = new ObjectMapper();
    Settings settings = Settings.of(env);
    ApiConfig config = ApiConfig.from(settings, json);
    Metrics.from(settings);
    Access.read(config, settings, Secrets.create(settings, null), json);
    ModelRoutes.readSettings(config, env, settings, providers);
    return settings.problems();
  }

  /** Who may call: the API keys' hashes (API-key mode) and the Einstein token exchange. */
  private record Access(Secret keyHashes, EinsteinTokens tokens) {
    static Access read(ApiConfig config, Settings settings, Secrets secrets, ObjectMapper json) {
      Secret hashes = null;
      if (config.auth() == ApiConfig.AuthMode.API_KEY) {
        hashes = secrets.required(ApiConfig.KEY_HASHES).orElse(null);
        if (hashes != null && !hashes.isReference()) {
          checkLiteralHashes(hashes, settings);
        }
      }
      return new Access(hashes, EinsteinTokens.from(settings, secrets, Clock.systemUTC(), json));
    }
  }

  private static void checkLiteralHashes(Secret hashes, Settings settings) {
    try {
      ApiKeyAuthenticator.parseHashes(hashes.value());
    } catch (IllegalArgumentException | SecretException e) {
      settings.problem(
          ApiConfig.KEY_HASHES
              + " must list SHA-256 hex digests of the keys (sha256sum), separated by commas");
    }
  }

  ApiConfig config() {
    return config;
  }

  ObjectMapper json() {
    return json;
  }

  ApiEvents events() {
    return events;
  }

  Router router() {
    return router;
  }

  Metrics metrics() {
    return metrics;
  }

  SnapStartPriming priming() {
    return priming;
  }

  @Override
  public void close() {
    fetcher.close();
    models.close();
    aws.close();
  }
}
