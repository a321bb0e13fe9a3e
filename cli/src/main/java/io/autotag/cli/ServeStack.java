package io.autotag.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.api.ApiHandler;
import io.autotag.api.ApiWiring;
import io.autotag.local.LocalApiServer;
import io.autotag.review.ReviewHandler;
import io.autotag.review.ReviewWiring;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.tagger.TaggerHandler;
import io.autotag.tagger.TaggerWiring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What {@code autotag serve} runs: the whole system on one machine (named for the command, not the
 * LocalStack product, which {@code serve --endpoint-url} can use). S3 and SQS ({@link Emulators}:
 * in-process on loopback, or an endpoint such as moto or LocalStack), the bucket and queues of
 * {@code template.yaml} ({@link StackResources}), the tagger's real handler fed by an {@link
 * SqsEventSource} from the buffer queue (the template's buffered mode), the {@link UploadBridge}
 * that turns uploads into S3 notifications where the emulator sends none, and the classification
 * API's and the review function's real handlers behind one {@link LocalApiServer}, routed by path
 * as the template's HTTP API routes them.
 */
public final class ServeStack implements AutoCloseable {

  /** The reviewer {@code serve} creates a key for when no reviewer keys are configured. */
  public static final String LOCAL_REVIEWER = "local";

  private static final Logger log = LoggerFactory.getLogger(ServeStack.class);

  /** Where to listen; 0 picks a free port. */
  public record Ports(int s3, int sqs, int api) {
    public static Ports defaults() {
      return new Ports(9090, 9324, 3000);
    }

    public static Ports ephemeral() {
      return new Ports(0, 0, 0);
    }
  }

  /**
   * How to run: the ports, an external S3/SQS endpoint instead of the emulators ({@code null} for
   * none; it must deliver S3 notifications itself, as moto and LocalStack do), and how often the
   * bridge lists the bucket.
   */
  public record Options(Ports ports, URI external, Duration bridgeInterval) {
    public static Options defaults() {
      return new Options(Ports.defaults(), null, Duration.ofMillis(200));
    }

    public Options withPorts(Ports newPorts) {
      return new Options(newPorts, external, bridgeInterval);
    }

    public Options withExternal(URI endpoint) {
      return new Options(ports, endpoint, bridgeInterval);
    }
  }

  /** Everything started so far, closed newest first. */
  private final Deque<AutoCloseable> started;

  private final Emulators emulators;
  private final AwsClients admin;
  private final StackResources resources;
  private final LocalStatus status;
  private final String region;
  private final String provider;
  private final TaggerWiring tagger;
  private final SqsEventSource eventSource;
  // Null with an external endpoint, which sends S3 notifications itself.
  private final UploadBridge bridge;
  // Null when the user gave reviewer keys.
  private final String reviewerKey;
  private final URI apiUri;

  private ServeStack(
      Deque<AutoCloseable> started,
      Emulators emulators,
      AwsClients admin,
      StackResources resources,
      LocalStatus status,
      String region,
      String provider,
      TaggerWiring tagger,
      SqsEventSource eventSource,
      UploadBridge bridge,
      String reviewerKey,
      URI apiUri) {
    this.started = started;
    this.emulators = emulators;
    this.admin = admin;
    this.resources = resources;
    this.status = status;
    this.region = region;
    this.provider = provider;
    this.tagger = tagger;
    this.eventSource = eventSource;
    this.bridge = bridge;
    this.reviewerKey = reviewerKey;
    this.apiUri = apiUri;
  }

  /**
   * Starts everything, or nothing: a failure part-way closes what already started. {@code env}
   * holds the user's {@code AUTOTAG_*} settings (and optionally {@code AWS_REGION}); endpoints and
   * queue URLs are the stack's own.
   */
  public static ServeStack start(
      Options options, Map<String, String> env, ProviderRegistry providers) {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      return start(options, env, providers, started);
    } catch (RuntimeException | Error e) {
      closeAll(started);
      throw e;
    }
  }

  private static ServeStack start(
      Options options,
      Map<String, String> userEnv,
      ProviderRegistry providers,
      Deque<AutoCloseable> started) {
    Map<String, String> base = CliAws.withDefaultRegion(userEnv);
    String region = base.getOrDefault("AWS_REGION", base.get("AWS_DEFAULT_REGION"));
    FunctionEnvironments.check(base, userEnv, region, providers);
    Emulators.requireFree(options.ports(), options.external() == null);
    Emulators emulators =
        push(
            started,
            options.external() != null
                ? Emulators.external(options.external())
                : Emulators.start(options.ports().s3(), options.ports().sqs()));

    Map<String, String> functionEnv =
        FunctionEnvironments.tagger(base, region, emulators.s3Endpoint(), emulators.sqsEndpoint());
    String provider =
        functionEnv.getOrDefault(
            ProviderRegistry.PROVIDER_VARIABLE, ProviderRegistry.DEFAULT_PROVIDER);
    Function<AwsSettings, AwsClients> aws =
        settings -> AwsClients.create(settings, CliAws.LOCAL_CREDENTIALS);
    Settings settings = Settings.of(functionEnv);
    AwsSettings adminSettings = AwsSettings.from(settings);
    int maxReceiveCount = settings.integer("AUTOTAG_MAX_RECEIVE_COUNT", 3, 1, 1000);
    settings.check();
    AwsClients admin = push(started, AwsClients.create(adminSettings, CliAws.LOCAL_CREDENTIALS));
    StackResources resources = StackResources.create(admin, maxReceiveCount);
    functionEnv.put("AUTOTAG_REVIEW_QUEUE_URL", resources.reviewQueueUrl());
    ObjectMapper json = new ObjectMapper();

    // The tagger's EMF metrics feed serve's status line (LocalStatus) instead of stdout.
    LocalStatus status = new LocalStatus();
    Map<String, String> taggerEnv = new HashMap<>(functionEnv);
    taggerEnv.put(Metrics.MODE_VARIABLE, "emf");
    TaggerWiring tagger = push(started, TaggerWiring.create(taggerEnv, providers, aws, status));
    SqsEventSource eventSource =
        push(
            started,
            new SqsEventSource(
                admin.sqs(),
                resources.bufferQueueUrl(),
                resources.bufferQueueArn(),
                region,
                TaggerHandler.create(tagger),
                json,
                10));
    eventSource.start();
    UploadBridge bridge = null;
    if (emulators.embedded()) {
      bridge =
          push(
              started,
              new UploadBridge(
                  admin.s3(),
                  StackResources.BUCKET,
                  admin.sqs(),
                  resources.bufferQueueUrl(),
                  region,
                  json));
      bridge.start(options.bridgeInterval());
    } else {
      resources.subscribeBufferQueue(admin);
    }

    ApiWiring api =
        push(started, ApiWiring.create(FunctionEnvironments.api(functionEnv), providers, aws));
    FunctionEnvironments.Review reviewEnv = FunctionEnvironments.review(functionEnv, userEnv);
    ReviewWiring review = push(started, ReviewWiring.create(reviewEnv.env(), aws));
    LocalApiServer server =
        push(
            started,
            listen(
                new PathRoutes(
                    ReviewHandler.create(review),
                    ApiHandler.create(api),
                    new ReviewThresholdRoute(tagger.pipeline())),
                options.ports().api()));
    return new ServeStack(
        started,
        emulators,
        admin,
        resources,
        status,
        region,
        provider,
        tagger,
        eventSource,
        bridge,
        reviewEnv.reviewerKey(),
        server.baseUri());
  }

  /** The one HTTP front on loopback: the API, the reviewer page and serve's own route. */
  private static LocalApiServer listen(PathRoutes routes, int port) {
    try {
      return LocalApiServer.start(
          routes, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4);
    } catch (BindException e) {
      throw new PortInUseException("API", port, "--api-port");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on API port " + port, e);
    }
  }

  private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T part) {
    started.push(part);
    return part;
  }

  public URI s3Endpoint() {
    return emulators.s3Endpoint();
  }

  public URI sqsEndpoint() {
    return emulators.sqsEndpoint();
  }

  public URI apiUri() {
    return apiUri;
  }

  public String region() {
    return region;
  }

  public String bucket() {
    return StackResources.BUCKET;
  }

  /** {@code serve}'s route that shows and changes the tagger's review threshold. */
  public URI reviewThresholdUri() {
    return apiUri.resolve(ReviewThresholdRoute.PATH);
  }

  /** The tagger's review threshold now. */
  public double reviewThreshold() {
    return tagger.pipeline().reviewThreshold();
  }

  /** The reviewer page: the HTTP API's {@code /review}. */
  public URI reviewUri() {
    return apiUri.resolve(PathRoutes.REVIEW);
  }

  /** The key {@code serve} made for the reviewer {@value #LOCAL_REVIEWER}, if it made one. */
  public Optional<String> reviewerKey() {
    return Optional.ofNullable(reviewerKey);
  }

  public String feedbackBucket() {
    return StackResources.FEEDBACK_BUCKET;
  }

  public String reviewQueueUrl() {
    return resources.reviewQueueUrl();
  }

  public String reviewDeadLetterQueueUrl() {
    return resources.reviewDeadLetterQueueUrl();
  }

  public String bufferQueueUrl() {
    return resources.bufferQueueUrl();
  }

  public String bufferDeadLetterQueueUrl() {
    return resources.bufferDeadLetterQueueUrl();
  }

  /**
   * What is happening now: the queues' depths and dead letters, and the tagger's outcome counts
   * since start ({@code serve}'s status line).
   */
  public LocalStatus.Snapshot status() {
    int[] buffer = depth(resources.bufferQueueUrl());
    int[] review = depth(resources.reviewQueueUrl());
    return new LocalStatus.Snapshot(
        buffer[0],
        buffer[1],
        review[0] + review[1],
        depth(resources.bufferDeadLetterQueueUrl())[0],
        depth(resources.reviewDeadLetterQueueUrl())[0],
        status.outcomes());
  }

  /** Visible and in-flight messages of one queue (SQS's approximate counts). */
  private int[] depth(String queueUrl) {
    Map<QueueAttributeName, String> attributes =
        admin
            .sqs()
            .getQueueAttributes(
                b ->
                    b.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return new int[] {
      Integer.parseInt(
          attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
      Integer.parseInt(
          attributes.getOrDefault(
              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"))
    };
  }

  /** The configured provider name(s), for the banner. */
  public String provider() {
    return provider;
  }

  /** Whether uploads are noticed by the bridge (embedded emulators) rather than by S3 itself. */
  public boolean bridged() {
    return bridge != null;
  }

  /** How many notifications the bridge sent (0 with an external endpoint). */
  long bridgedEvents() {
    return bridge == null ? 0 : bridge.events();
  }

  /** How many tagger invocations the event source made. */
  long taggerInvocations() {
    return eventSource.invocations();
  }

  /** Stops everything that started, newest first; safe to call twice. */
  @Override
  public synchronized void close() {
    closeAll(started);
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      AutoCloseable next = started.pop();
      try {
        next.close();
      } catch (Exception e) {
        log.atWarn().setCause(e).log("stopping a part of the local stack failed");
      }
    }
  }
}
