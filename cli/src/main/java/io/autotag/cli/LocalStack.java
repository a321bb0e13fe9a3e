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
import io.autotag.shared.secrets.KeyHashes;
import io.autotag.tagger.TaggerHandler;
import io.autotag.tagger.TaggerWiring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole system on one machine: S3 and SQS (in-process emulators on loopback, or any endpoint
 * such as moto or LocalStack), the bucket and queues of {@code template.yaml}, the tagger's real
 * handler fed by an {@link SqsEventSource} from the buffer queue (the template's buffered mode),
 * the {@link UploadBridge} that turns uploads into S3 notifications where the emulator sends none,
 * and the classification API's and the review function's real handlers behind one {@link
 * LocalApiServer}, routed by path as the template's HTTP API routes them.
 */
public final class LocalStack implements AutoCloseable {

  public static final String BUCKET = "autotag-uploads";
  // FIFO, as in the template: SQS never hands out two messages of one object at once, so two
  // reviewers never get two copies of it.
  public static final String REVIEW_QUEUE = "autotag-review.fifo";
  public static final String REVIEW_DEAD_LETTER_QUEUE = "autotag-review-dlq.fifo";
  public static final String FEEDBACK_BUCKET = "autotag-feedback";

  /** The reviewer {@code serve} creates a key for when no reviewer keys are configured. */
  public static final String LOCAL_REVIEWER = "local";

  public static final String BUFFER_QUEUE = "autotag-buffer";
  public static final String BUFFER_DEAD_LETTER_QUEUE = "autotag-buffer-dlq";

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

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
   * How to run: the ports, an external S3/SQS endpoint instead of the emulators (it must deliver S3
   * notifications itself, as moto and LocalStack do), and how often the bridge lists the bucket.
   */
  public record Options(Ports ports, Optional<URI> external, Duration bridgeInterval) {
    public static Options defaults() {
      return new Options(Ports.defaults(), Optional.empty(), Duration.ofMillis(200));
    }

    public Options withPorts(Ports newPorts) {
      return new Options(newPorts, external, bridgeInterval);
    }

    public Options withExternal(URI endpoint) {
      return new Options(ports, Optional.of(endpoint), bridgeInterval);
    }
  }

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private URI s3Endpoint;
  private URI sqsEndpoint;
  private URI apiUri;
  private String reviewerKey;
  private String region;
  private String reviewQueueUrl;
  private String reviewDeadLetterQueueUrl;
  private String bufferQueueUrl;
  private String bufferDeadLetterQueueUrl;
  private String provider;
  private AwsClients admin;
  private UploadBridge bridge;
  private SqsEventSource eventSource;
  private final LocalStatus status = new LocalStatus();
  private TaggerWiring tagger;

  private LocalStack() {}

  /**
   * Starts everything, or nothing: a failure part-way closes what already started. {@code env}
   * holds the user's {@code AUTOTAG_*} settings (and optionally {@code AWS_REGION}); endpoints and
   * queue URLs are the stack's own.
   */
  public static LocalStack start(
      Options options, Map<String, String> env, ProviderRegistry providers) {
    LocalStack stack = new LocalStack();
    try {
      stack.startAll(options, env, providers);
      return stack;
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Options options, Map<String, String> userEnv, ProviderRegistry providers) {
    Map<String, String> base = CliAws.withDefaultRegion(userEnv);
    region = base.getOrDefault("AWS_REGION", base.get("AWS_DEFAULT_REGION"));
    requireFree(options.ports(), options.external().isEmpty());
    if (options.external().isPresent()) {
      s3Endpoint = options.external().get();
      sqsEndpoint = options.external().get();
    } else {
      startEmulators(options.ports());
    }

    Map<String, String> functionEnv = new HashMap<>(base);
    functionEnv.keySet().removeIf(k -> k.startsWith("AWS_ENDPOINT_URL"));
    functionEnv.put("AWS_REGION", region);
    functionEnv.put("AWS_ENDPOINT_URL_S3", s3Endpoint.toString());
    functionEnv.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString());
    functionEnv.put("AUTOTAG_S3_PATH_STYLE", "true");
    // Priming only matters before a SnapStart snapshot, which never happens here.
    functionEnv.putIfAbsent("AUTOTAG_PRIMING", "false");
    provider =
        functionEnv.getOrDefault(
            ProviderRegistry.PROVIDER_VARIABLE, ProviderRegistry.DEFAULT_PROVIDER);
    Function<AwsSettings, AwsClients> aws =
        settings -> AwsClients.create(settings, CliAws.LOCAL_CREDENTIALS);

    admin = clients(functionEnv);
    started.push(admin);
    createBucket(BUCKET);
    createBucket(FEEDBACK_BUCKET);
    int maxReceiveCount =
        Integer.parseInt(functionEnv.getOrDefault("AUTOTAG_MAX_RECEIVE_COUNT", "3").strip());
    reviewDeadLetterQueueUrl = createQueue(REVIEW_DEAD_LETTER_QUEUE, null, 0, 30);
    reviewQueueUrl = createQueue(REVIEW_QUEUE, reviewDeadLetterQueueUrl, 20, 300);
    bufferDeadLetterQueueUrl = createQueue(BUFFER_DEAD_LETTER_QUEUE, null, 0, 30);
    // Longer than one invocation may take (SqsEventSource allows 60 s), so a slow batch is not
    // delivered a second time while it still runs.
    bufferQueueUrl = createQueue(BUFFER_QUEUE, bufferDeadLetterQueueUrl, maxReceiveCount, 90);
    functionEnv.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueueUrl);
    ObjectMapper json = new ObjectMapper();

    // The tagger's EMF metrics feed serve's status line (LocalStatus) instead of stdout.
    Map<String, String> taggerEnv = new HashMap<>(functionEnv);
    taggerEnv.put(Metrics.MODE_VARIABLE, "emf");
    TaggerWiring tagger = TaggerWiring.create(taggerEnv, providers, aws, status);
    started.push(tagger);
    this.tagger = tagger;
    eventSource =
        new SqsEventSource(
            admin.sqs(),
            bufferQueueUrl,
            queueArn(bufferQueueUrl),
            region,
            TaggerHandler.create(tagger),
            json,
            10);
    eventSource.start();
    started.push(eventSource);

    if (options.external().isPresent()) {
      subscribeBufferQueue();
    } else {
      bridge = new UploadBridge(admin.s3(), BUCKET, admin.sqs(), bufferQueueUrl, region, json);
      bridge.start(options.bridgeInterval());
      started.push(bridge);
    }

    Map<String, String> apiEnv = new HashMap<>(functionEnv);
    // The API listens on loopback only; a key is still required if the user asks for it.
    apiEnv.putIfAbsent("AUTOTAG_API_AUTH", "none");
    apiEnv.putIfAbsent("AUTOTAG_API_S3_BUCKETS", BUCKET);
    ApiWiring api = ApiWiring.create(apiEnv, providers, aws);
    started.push(api);
    ReviewHandler review = startReview(functionEnv, userEnv, aws);
    try {
      LocalApiServer server =
          LocalApiServer.start(
              new PathRoutes(
                  review, ApiHandler.create(api), new ReviewThresholdRoute(tagger.pipeline())),
              new InetSocketAddress(InetAddress.getLoopbackAddress(), options.ports().api()),
              4);
      started.push(server);
      apiUri = server.baseUri();
    } catch (BindException e) {
      throw new PortInUseException("API", options.ports().api(), "--api-port");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on API port " + options.ports().api(), e);
    }
  }

  /**
   * The review function as the template deploys it, with a reviewer key: the user's {@code
   * AUTOTAG_REVIEWER_KEYS} if set, otherwise a fresh key for the reviewer {@value #LOCAL_REVIEWER},
   * shown once in the banner. The item-token key is made here too (never before a snapshot: this is
   * not Lambda).
   */
  private ReviewHandler startReview(
      Map<String, String> functionEnv,
      Map<String, String> userEnv,
      Function<AwsSettings, AwsClients> aws) {
    Map<String, String> reviewEnv = new HashMap<>(functionEnv);
    reviewEnv.putIfAbsent("AUTOTAG_REVIEW_AUTH", "reviewer-key");
    reviewEnv.putIfAbsent("AUTOTAG_FEEDBACK_BUCKET", FEEDBACK_BUCKET);
    SecureRandom random = new SecureRandom();
    if (isBlank(userEnv.get("AUTOTAG_REVIEWER_KEYS"))) {
      byte[] key = new byte[18];
      random.nextBytes(key);
      reviewerKey = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
      reviewEnv.put(
          "AUTOTAG_REVIEWER_KEYS", LOCAL_REVIEWER + "=" + KeyHashes.sha256Hex(reviewerKey));
    }
    if (isBlank(userEnv.get("AUTOTAG_REVIEW_TOKEN_KEY"))) {
      byte[] tokenKey = new byte[32];
      random.nextBytes(tokenKey);
      reviewEnv.put("AUTOTAG_REVIEW_TOKEN_KEY", HexFormat.of().formatHex(tokenKey));
    }
    ReviewWiring wiring = ReviewWiring.create(reviewEnv, aws);
    started.push(wiring);
    return ReviewHandler.create(wiring);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private void startEmulators(Ports ports) {
    LoopbackS3 s3 = LoopbackS3.start(ports.s3(), 8);
    started.push(s3);
    s3Endpoint = s3.endpoint();
    LoopbackSqs sqs = LoopbackSqs.start(ports.sqs());
    started.push(sqs);
    sqsEndpoint = sqs.endpoint();
  }

  private static AwsClients clients(Map<String, String> env) {
    Settings settings = Settings.of(env);
    AwsSettings aws = AwsSettings.from(settings);
    settings.check();
    return AwsClients.create(aws, CliAws.LOCAL_CREDENTIALS);
  }

  private void createBucket(String bucket) {
    try {
      admin.s3().createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      log.atInfo().addKeyValue("bucket", bucket).log("bucket already exists");
    }
  }

  private String createQueue(
      String name, String deadLetterQueueUrl, int maxReceiveCount, int visibilitySeconds) {
    Map<QueueAttributeName, String> attributes = new HashMap<>();
    attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds));
    if (name.endsWith(".fifo")) {
      attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
    }
    if (deadLetterQueueUrl != null) {
      attributes.put(
          QueueAttributeName.REDRIVE_POLICY,
          "{\"deadLetterTargetArn\":\""
              + queueArn(deadLetterQueueUrl)
              + "\",\"maxReceiveCount\":\""
              + maxReceiveCount
              + "\"}");
    }
    return admin.sqs().createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
  }

  private String queueArn(String queueUrl) {
    return admin
        .sqs()
        .getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  /** What the template configures in buffered mode: ObjectCreated notifications to the queue. */
  private void subscribeBufferQueue() {
    String arn = queueArn(bufferQueueUrl);
    admin
        .s3()
        .putBucketNotificationConfiguration(
            b ->
                b.bucket(BUCKET)
                    .notificationConfiguration(
                        n ->
                            n.queueConfigurations(
                                q ->
                                    q.id("autotag-buffer")
                                        .queueArn(arn)
                                        .events(Event.S3_OBJECT_CREATED))));
  }

  /**
   * Fails before anything starts (the models take seconds to load) when a port asked for is taken,
   * naming the flag that picks another for each.
   */
  static void requireFree(Ports ports, boolean emulators) {
    List<String> busy = new ArrayList<>();
    if (emulators) {
      busy(ports.s3(), "S3", "--s3-port").ifPresent(busy::add);
      busy(ports.sqs(), "SQS", "--sqs-port").ifPresent(busy::add);
    }
    busy(ports.api(), "API", "--api-port").ifPresent(busy::add);
    if (!busy.isEmpty()) {
      throw new PortInUseException(busy);
    }
  }

  private static Optional<String> busy(int port, String what, String flag) {
    if (port == 0) {
      return Optional.empty();
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(PortInUseException.describe(what, port, flag));
    }
  }

  public URI s3Endpoint() {
    return s3Endpoint;
  }

  public URI sqsEndpoint() {
    return sqsEndpoint;
  }

  public URI apiUri() {
    return apiUri;
  }

  public String region() {
    return region;
  }

  public String bucket() {
    return BUCKET;
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
    return FEEDBACK_BUCKET;
  }

  public String reviewQueueUrl() {
    return reviewQueueUrl;
  }

  public String reviewDeadLetterQueueUrl() {
    return reviewDeadLetterQueueUrl;
  }

  public String bufferQueueUrl() {
    return bufferQueueUrl;
  }

  public String bufferDeadLetterQueueUrl() {
    return bufferDeadLetterQueueUrl;
  }

  /**
   * What is happening now: the queues' depths and dead letters, and the tagger's outcome counts
   * since start ({@code serve}'s status line).
   */
  public LocalStatus.Snapshot status() {
    int[] buffer = depth(bufferQueueUrl);
    int[] review = depth(reviewQueueUrl);
    return new LocalStatus.Snapshot(
        buffer[0],
        buffer[1],
        review[0] + review[1],
        depth(bufferDeadLetterQueueUrl)[0],
        depth(reviewDeadLetterQueueUrl)[0],
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
    return eventSource == null ? 0 : eventSource.invocations();
  }

  /** Stops everything that started, newest first; safe to call twice. */
  @Override
  public synchronized void close() {
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
