package io.autotag.tagger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.pipeline.S3Objects;
import io.autotag.shared.pipeline.TaggingPipeline;
import io.autotag.shared.priming.SnapStartPriming;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.review.SqsReviewQueue;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.cloudwatchlogs.emf.sinks.ConsoleSink;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * Builds the tagger once per process from its environment: AWS clients, the configured classifier,
 * the review queue and the pipeline, plus the SnapStart priming hook. Invalid settings fail here,
 * at start-up, with one message naming every bad variable.
 */
// Public so the command-line tool (cli/) can embed the tagger and run its pipeline (backfill).
public final class TaggerWiring implements AutoCloseable {

  private static final String PRIMING_EVENT =
      """
      {"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"priming"},
      "object":{"key":"a+b%2B%C3%A9.jpg","size":1,"eTag":"0","versionId":"v"}}}]}""";

  private final TaggerConfig config;
  private final AwsClients aws;
  private final Classifier classifier;
  private final ObjectMapper json;
  private final TaggingPipeline pipeline;
  private final Metrics metrics;
  // The CRaC runtime holds resources weakly: this field keeps the hook alive.
  private final SnapStartPriming priming;

  private TaggerWiring(
      TaggerConfig config,
      AwsClients aws,
      Classifier classifier,
      ObjectMapper json,
      Clock clock,
      Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.aws = aws;
    this.classifier = classifier;
    this.json = json;
    this.pipeline =
        new TaggingPipeline(
            new S3Objects(aws.s3(), aws.s3Presigner()),
            classifier,
            config.schema(),
            new SqsReviewQueue(aws.sqs(), config.reviewQueueUrl(), json),
            config.pipeline(),
            clock,
            metrics);
    this.priming =
        config.priming()
            ? SnapStartPriming.register(
                this::primeEventPaths, classifier, S3Client.class, SqsClient.class)
            : null;
  }

  /**
   * The tagger's own priming paths, which write nothing: parsing an S3 notification (a key with an
   * escaped plus and a UTF-8 letter), serialising a review message, and a sample of the metrics
   * serialised into nothing (no metric is emitted before the snapshot).
   */
  private void primeEventPaths() {
    try {
      S3Notifications.createdObjects(json.readTree(PRIMING_EVENT));
    } catch (JsonProcessingException | S3Notifications.MalformedEventException e) {
      throw new IllegalStateException("the priming event is invalid", e);
    }
    SnapStartPriming.sampleReviewMessage(json);
    metrics.primeAndDiscard();
  }

  /** The production wiring: default credentials chain, built-in providers, the system clock. */
  static TaggerWiring fromEnvironment(Map<String, String> env) {
    return create(env, ProviderRegistry.builtIn(), AwsClients::create);
  }

  /**
   * Wiring with explicit providers and AWS clients, the seam every function offers the local stack
   * and backfill in cli/: {@code create(env, providers, aws)}, then {@link TaggerHandler#create}.
   * The caller closes it.
   */
  public static TaggerWiring create(
      Map<String, String> env,
      ProviderRegistry providers,
      Function<AwsSettings, AwsClients> awsFactory) {
    return create(env, providers, awsFactory, Clock.systemUTC());
  }

  /**
   * The same with the metrics, when they are on, written to {@code metricsSink} instead of stdout
   * (the local stack counts outcomes from them).
   */
  public static TaggerWiring create(
      Map<String, String> env,
      ProviderRegistry providers,
      Function<AwsSettings, AwsClients> awsFactory,
      ISink metricsSink) {
    return create(env, providers, awsFactory, Clock.systemUTC(), metricsSink);
  }

  /**
   * Every problem with {@code env}, the providers' variables included, found without building
   * anything: how the local stack checks all its functions before it starts any.
   */
  public static List<String> problems(Map<String, String> env, ProviderRegistry providers) {
    Settings settings = Settings.of(env);
    TaggerConfig.from(settings);
    Metrics.from(settings);
    providers.readSettings(settings);
    return settings.problems();
  }

  /** The same with a clock of the test's choosing. */
  static TaggerWiring create(
      Map<String, String> env,
      ProviderRegistry providers,
      Function<AwsSettings, AwsClients> awsFactory,
      Clock clock) {
    return create(env, providers, awsFactory, clock, new ConsoleSink());
  }

  /** The same with the metrics written to {@code metricsSink} when they are on. */
  static TaggerWiring create(
      Map<String, String> env,
      ProviderRegistry providers,
      Function<AwsSettings, AwsClients> awsFactory,
      Clock clock,
      ISink metricsSink) {
    Settings settings = Settings.of(env);
    TaggerConfig config = TaggerConfig.from(settings);
    Metrics metrics = Metrics.from(settings, metricsSink);
    // The provider's variables too, before anything is built: one error names every bad one.
    providers.readSettings(settings);
    settings.check();
    AwsClients aws = awsFactory.apply(config.aws());
    Classifier classifier = providers.measuredBy(metrics).create(settings, aws);
    // What only building finds: a model file that cannot be read.
    settings.check();
    return new TaggerWiring(config, aws, classifier, jsonMapper(), clock, metrics);
  }

  static ObjectMapper jsonMapper() {
    return new ObjectMapper();
  }

  TaggerConfig config() {
    return config;
  }

  // Public so backfill in cli/ runs objects through the same pipeline the handler uses.
  public TaggingPipeline pipeline() {
    return pipeline;
  }

  ObjectMapper json() {
    return json;
  }

  Metrics metrics() {
    return metrics;
  }

  SnapStartPriming priming() {
    return priming;
  }

  @Override
  public void close() {
    pipeline.close();
    classifier.close();
    aws.close();
  }
}
