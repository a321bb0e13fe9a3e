package io.autotag.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.net.SafeUrlFetcher;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import io.autotag.shared.secrets.Secrets;
import java.util.Map;
import java.util.function.Function;
import org.crac.Core;
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
  private final ApiPriming priming;
  private final ModelRoutes models;
  private final Metrics metrics;

  private ApiWiring(
      ApiConfig config,
      AwsClients aws,
      SafeUrlFetcher fetcher,
      ObjectMapper json,
      ApiKeyAuthenticator auth,
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
            json,
            metrics);
    this.priming =
        config.priming()
            ? new ApiPriming(router, models.defaultTarget().classifier(), metrics)
            : null;
    if (priming != null) {
      Core.getGlobalContext().register(priming);
    }
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
    settings.check();
    AwsClients aws = awsFactory.apply(config.aws());
    Secret hashes = null;
    if (config.auth() == ApiConfig.AuthMode.API_KEY) {
      hashes = Secrets.create(settings, aws).required(ApiConfig.KEY_HASHES).orElse(null);
      if (hashes != null && !hashes.isReference()) {
        checkLiteralHashes(hashes, settings);
      }
    }
    ModelRoutes models =
        ModelRoutes.build(config, env, settings, providers.measuredBy(metrics), aws);
    settings.check();
    return new ApiWiring(
        config,
        aws,
        SafeUrlFetcher.create(config.fetch()),
        json,
        new ApiKeyAuthenticator(config.auth(), hashes),
        models,
        metrics);
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

  ApiPriming priming() {
    return priming;
  }

  @Override
  public void close() {
    fetcher.close();
    models.close();
    aws.close();
  }
}
