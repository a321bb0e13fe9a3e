package io.autotag.review;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.priming.SnapStartPriming;
import io.autotag.shared.review.Feedback;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.secrets.KeyHashes;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import io.autotag.shared.secrets.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.cloudwatchlogs.emf.sinks.ConsoleSink;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * Builds the review function once per process from its environment: AWS clients, the reviewer
 * check, the token signer, the queue and object views, the feedback store, the page and the routes.
 * Invalid settings fail here, at start-up, with one message naming every bad variable. Nothing
 * random or secret is made here (SnapStart): secrets are read on first use.
 */
// Public so the local stack in cli/ serves the review page with emulator clients.
public final class ReviewWiring implements AutoCloseable {

  private final ReviewConfig config;
  private final AwsClients aws;
  private final ObjectMapper json;
  private final ReviewEvents events;
  private final ReviewRouter router;
  private final ExecutorService workers;
  private final Metrics metrics;
  // The CRaC runtime holds resources weakly: this field keeps the hook alive.
  private final SnapStartPriming priming;

  private ReviewWiring(
      ReviewConfig config,
      AwsClients aws,
      Secret tokenKey,
      Secret reviewerKeys,
      Clock clock,
      Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.aws = aws;
    this.json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    this.events = new ReviewEvents(json);
    // S3 calls of one claim (up to 10 items, 2 calls each) and of one verdict run side by side.
    this.workers =
        Executors.newFixedThreadPool(
            16, Thread.ofPlatform().daemon().name("autotag-review-", 0).factory());
    ReviewInbox inbox = new ReviewInbox(aws.sqs(), config.queueUrl());
    ReviewObjects objects =
        new ReviewObjects(aws.s3(), aws.s3Presigner(), config.imageUrlValidity(), workers);
    ItemTokens tokens = new ItemTokens(tokenKey, json, clock);
    FeedbackStore feedback =
        new FeedbackStore(aws.s3(), config.feedbackBucket(), config.feedbackPrefix(), json);
    Claims claims =
        new Claims(
            inbox,
            objects,
            tokens,
            config.schema(),
            json,
            config.lease(),
            config.waitSeconds(),
            clock,
            workers);
    Verdicts verdicts =
        new Verdicts(
            inbox,
            objects,
            tokens,
            feedback,
            config.schema(),
            config.vocabulary(),
            clock,
            workers,
            claims);
    this.router =
        new ReviewRouter(
            config,
            new Reviewers(config.auth(), config.jwtIssuer(), reviewerKeys),
            claims,
            verdicts,
            inbox,
            feedback,
            new StaticPage(imageOrigins(config), connectOrigins(config)),
            json,
            clock,
            metrics);
    this.priming =
        config.priming()
            ? SnapStartPriming.register(
                this::primingRequests, null, S3Client.class, SqsClient.class)
            : null;
  }

  /** The production wiring: default credentials chain and the system clock. */
  static ReviewWiring fromEnvironment(Map<String, String> env) {
    return create(env, AwsClients::create, Clock.systemUTC());
  }

  /** Wiring with explicit AWS clients, for the local stack in cli/. */
  public static ReviewWiring create(
      Map<String, String> env, Function<AwsSettings, AwsClients> awsFactory) {
    return create(env, awsFactory, Clock.systemUTC());
  }

  /** Wiring with explicit AWS clients and clock, for tests. */
  static ReviewWiring create(
      Map<String, String> env, Function<AwsSettings, AwsClients> awsFactory, Clock clock) {
    return create(env, awsFactory, clock, new ConsoleSink());
  }

  /** The same with the metrics written to {@code metricsSink} when they are on. */
  static ReviewWiring create(
      Map<String, String> env,
      Function<AwsSettings, AwsClients> awsFactory,
      Clock clock,
      ISink metricsSink) {
    Settings settings = Settings.of(env);
    ReviewConfig config = ReviewConfig.from(settings);
    Metrics metrics = Metrics.from(settings, metricsSink);
    // No check yet: the secrets below are read (as references) first, so that the one check names
    // every bad variable, theirs included. The clients connect to nothing until used.
    AwsClients aws = awsFactory.apply(config.aws());
    try {
      Keys keys = Keys.read(config, settings, Secrets.create(settings, aws));
      settings.check();
      return new ReviewWiring(config, aws, keys.tokenKey(), keys.reviewerKeys(), clock, metrics);
    } catch (RuntimeException e) {
      aws.close();
      throw e;
    }
  }

  /**
   * Every problem with {@code env}, the keys' included, found without building anything or reading
   * a stored secret: how the local stack checks all its functions before it starts any.
   */
  public static List<String> problems(Map<String, String> env) {
    Settings settings = Settings.of(env);
    ReviewConfig config = ReviewConfig.from(settings);
    Metrics.from(settings);
    Keys.read(config, settings, Secrets.create(settings, null));
    return settings.problems();
  }

  /** The item-token signing key and the reviewers' key hashes; literal ones checked now. */
  private record Keys(Secret tokenKey, Secret reviewerKeys) {
    static Keys read(ReviewConfig config, Settings settings, Secrets secrets) {
      Secret tokenKey = secrets.required(ReviewConfig.TOKEN_KEY).orElse(null);
      if (tokenKey != null
          && !tokenKey.isReference()
          && literal(tokenKey).length() < ItemTokens.MIN_KEY_LENGTH) {
        settings.problem(
            ReviewConfig.TOKEN_KEY
                + " must be at least "
                + ItemTokens.MIN_KEY_LENGTH
                + " characters");
      }
      Secret reviewerKeys = null;
      if (config.auth() == ReviewConfig.AuthMode.REVIEWER_KEY) {
        reviewerKeys = secrets.required(ReviewConfig.REVIEWER_KEYS).orElse(null);
        if (reviewerKeys != null && !reviewerKeys.isReference()) {
          try {
            KeyHashes.parse(literal(reviewerKeys));
          } catch (IllegalArgumentException e) {
            settings.problem(
                ReviewConfig.REVIEWER_KEYS
                    + " must list name=sha256 entries (sha256sum of each reviewer's key)");
          }
        }
      }
      return new Keys(tokenKey, reviewerKeys);
    }
  }

  private static String literal(Secret secret) {
    try {
      return secret.value();
    } catch (SecretException e) {
      throw new IllegalStateException("a literal secret cannot fail", e);
    }
  }

  /** Where the page may load images from: the presigned URLs' S3 origin. */
  private static String imageOrigins(ReviewConfig config) {
    URI endpoint = config.aws().s3Endpoint();
    return endpoint != null ? origin(endpoint) : "https://*.amazonaws.com";
  }

  /** Where the page may connect besides its own origin: Cognito's sign-in endpoint. */
  private static String connectOrigins(ReviewConfig config) {
    return config.auth() == ReviewConfig.AuthMode.JWT
        ? "https://cognito-idp." + config.aws().region().id() + ".amazonaws.com"
        : "";
  }

  private static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  ReviewConfig config() {
    return config;
  }

  ObjectMapper json() {
    return json;
  }

  ReviewEvents events() {
    return events;
  }

  ReviewRouter router() {
    return router;
  }

  Metrics metrics() {
    return metrics;
  }

  /**
   * The review function's own priming paths, which read nothing, write nothing and need no secret:
   * the JSON of review messages and feedback, the page, its configuration, and an API call without
   * credentials, which stops at the 401; then a sample of the metrics, serialised into nothing (the
   * priming requests are not counted, and no metric is emitted before the snapshot). Returns the
   * statuses, for tests.
   */
  List<Integer> primingRequests() {
    try {
      ReviewMessage message =
          json.readValue(SnapStartPriming.sampleReviewMessage(json), ReviewMessage.class);
      json.writeValueAsBytes(
          Feedback.of(message, List.of("label"), null, "priming", Instant.EPOCH, Instant.EPOCH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Integer> statuses =
        List.of(
            router.dispatch(primingRequest("GET", "/review")).status(),
            router.dispatch(primingRequest("GET", "/review/config.json")).status(),
            router.dispatch(primingRequest("POST", "/review/api/claim")).status());
    metrics.primeAndDiscard();
    return statuses;
  }

  private static ReviewRequest primingRequest(String method, String path) {
    return new ReviewRequest(method, path, Map.of(), new byte[0], "priming", Map.of());
  }

  SnapStartPriming priming() {
    return priming;
  }

  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    aws.close();
  }
}
