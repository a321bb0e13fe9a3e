package io.autotag.tagger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;
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
  // The CRaC runtime holds resources weakly: this field keeps the hook alive.
  private final SnapStartPriming priming;

  private TaggerWiring(
      TaggerConfig config, AwsClients aws, Classifier classifier, ObjectMapper json, Clock clock) {
    this.config = config;
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
            clock);
    this.priming =
        config.priming()
            ? SnapStartPriming.register(
                this::primeEventPaths, classifier, S3Client.class, SqsClient.class)
            : null;
  }

  /**
   * The tagger's own priming paths, which write nothing: parsing an S3 notification (a key with an
   * escaped plus and a UTF-8 letter) and serialising a review message.
   */
  private void primeEventPaths() {
    try {
      S3Notifications.createdObjects(json.readTree(PRIMING_EVENT));
    } catch (JsonProcessingException | S3Notifications.MalformedEventException e) {
      throw new IllegalStateException("the priming event is invalid", e);
    }
    SnapStartPriming.sampleReviewMessage(json);
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
   * Every problem with {@code env}, the providers' variables included, found without building
   * anything: how the local stack checks all its functions before it starts any.
   */
  public static List<String> problems(Map<String, String> env, ProviderRegistry providers) {
    Settings settings = Settings.of(env);
    TaggerConfig.from(settings);
    providers.readSettings(settings);
    return settings.problems();
  }

  /** The same with a clock of the test's choosing. */
  static TaggerWiring create(
      Map<String, String> env,
      ProviderRegistry providers,
      Function<AwsSettings, AwsClients> awsFactory,
      Clock clock) {
    Settings settings = Settings.of(env);
    TaggerConfig config = TaggerConfig.from(settings);
    // The provider's variables too, before anything is built: one error names every bad one.
    providers.readSettings(settings);
    settings.check();
    AwsClients aws = awsFactory.apply(config.aws());
    Classifier classifier = providers.create(settings, aws);
    // What only building finds: a model file that cannot be read.
    settings.check();
    return new TaggerWiring(config, aws, classifier, jsonMapper(), clock);
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
