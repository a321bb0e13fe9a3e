package io.autotag.tagger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.FaultyS3;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Buffered mode under S3 faults, the way it runs in AWS: objects in a versioned LocalS3 bucket,
 * their notifications in an ElasticMQ buffer queue with a dead-letter queue, a poller that invokes
 * the real {@link TaggerHandler} with batches of 10 and deletes what succeeded (Lambda's SQS event
 * source), and the tagger's S3 calls going through a {@link FaultyS3} proxy. Every object is
 * unsure, so each should queue exactly one review message. The {@link Figures} say how many were
 * queued and where every object ended.
 */
final class S3FaultScenario implements AutoCloseable {

  static final int MAX_RECEIVE_COUNT = 3;
  private static final String REGION = "us-east-1";
  private static final ObjectMapper json = new ObjectMapper();

  /** Where the objects ended. {@code lost} must be 0: tagged, or dead-lettered. */
  record Figures(
      int objects,
      int reviewMessages,
      int distinctReviewed,
      int taggedReview,
      int taggedFailed,
      Map<String, Integer> failedReasons,
      int untagged,
      int deadLettered,
      int lost,
      int invocations,
      int faultsInjected,
      double seconds) {

    int duplicateReviewMessages() {
      return reviewMessages - distinctReviewed;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "objects=%d reviewMessages=%d (duplicates=%d) taggedReview=%d taggedFailed=%d %s"
              + " untagged=%d deadLettered=%d lost=%d invocations=%d faultsInjected=%d"
              + " seconds=%.1f",
          objects,
          reviewMessages,
          duplicateReviewMessages(),
          taggedReview,
          taggedFailed,
          failedReasons,
          untagged,
          deadLettered,
          lost,
          invocations,
          faultsInjected,
          seconds);
    }
  }

  private final LocalAws aws;
  private final FaultyS3 proxy;
  private final FakeClassifier classifier =
      new FakeClassifier().defaultAnswer(new Label("cat", 0.2), new Label("dog", 0.1));
  private final List<TaggerWiring> wirings = new ArrayList<>();

  S3FaultScenario(LocalAws aws) {
    this.aws = aws;
    this.proxy = FaultyS3.inFrontOf(aws.env().get("AWS_ENDPOINT_URL_S3"));
  }

  FaultyS3 proxy() {
    return proxy;
  }

  /**
   * Uploads {@code objects} photos under a fresh bucket, queues their notifications and drains the
   * buffer queue through the tagger with {@code fault} in front of S3, then reads where every
   * object ended (straight from the emulator, past the proxy).
   */
  Figures run(String name, int objects, byte[] photo, FaultyS3.Fault fault) throws Exception {
    String bucket = name;
    aws.createBucket(bucket, true);
    String review = aws.createQueue(name + "-review");
    String deadLetters = aws.createQueue(name + "-buffer-dlq");
    String buffer = aws.createQueue(name + "-buffer", deadLetters, MAX_RECEIVE_COUNT);
    Map<String, String> versions = new LinkedHashMap<>();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      String key = "photos/" + i + ".jpg";
      var put =
          aws.clients()
              .s3()
              .putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(photo));
      versions.put(key, put.versionId());
      ObjectRef created =
          ObjectRef.of(
              bucket, key, put.versionId(), ObjectRef.unquote(put.eTag()), (long) photo.length);
      bodies.add(
          LambdaEvents.s3ObjectCreated(
                  json, REGION, created, "2026-01-01T00:00:00.000Z", String.format("%016X", i))
              .toString());
    }
    aws.sendAll(buffer, bodies);

    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AWS_ENDPOINT_URL_S3", proxy.endpoint());
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", review);
    env.put("AUTOTAG_PRIMING", "false");
    env.put("AUTOTAG_MAX_RECEIVE_COUNT", Integer.toString(MAX_RECEIVE_COUNT));
    TaggerWiring wiring =
        TaggerWiring.create(
            env, ProviderRegistry.builtIn().with(classifier), LocalAws::clients, Clock.systemUTC());
    wirings.add(wiring);
    TaggerHandler handler = new TaggerHandler(wiring);

    int injectedBefore = proxy.injected();
    proxy.fault(fault);
    long start = System.nanoTime();
    int invocations = drain(handler, buffer);
    double seconds = (System.nanoTime() - start) / 1e9;
    proxy.fault(FaultyS3.Fault.none());

    List<Message> queued = aws.drain(review);
    Set<String> identities = new HashSet<>();
    for (Message message : queued) {
      JsonNode body = json.readTree(message.body());
      identities.add(body.path("key").asText() + "#" + body.path("versionId").asText());
    }
    Set<String> deadLettered = new HashSet<>();
    for (Message message : aws.drain(deadLetters)) {
      deadLettered.add(json.readTree(message.body()).at("/Records/0/s3/object/key").asText());
    }
    int taggedReview = 0;
    int taggedFailed = 0;
    int untagged = 0;
    int lost = 0;
    Map<String, Integer> reasons = new LinkedHashMap<>();
    for (var entry : versions.entrySet()) {
      Map<String, String> tags =
          ObjectTags.read(aws.clients().s3(), bucket, entry.getKey(), entry.getValue());
      String status = tags.getOrDefault("autotag:status", "");
      switch (status) {
        case "review" -> taggedReview++;
        case "failed" -> {
          taggedFailed++;
          reasons.merge(tags.getOrDefault("autotag:reason", "?"), 1, Integer::sum);
        }
        default -> untagged++;
      }
      boolean queuedForReview = identities.contains(entry.getKey() + "#" + entry.getValue());
      if (!(status.equals("review") && queuedForReview) && !deadLettered.contains(entry.getKey())) {
        lost++;
      }
    }
    return new Figures(
        objects,
        queued.size(),
        identities.size(),
        taggedReview,
        taggedFailed,
        reasons,
        untagged,
        deadLettered.size(),
        lost,
        invocations,
        proxy.injected() - injectedBefore,
        seconds);
  }

  /**
   * Polls like Lambda's SQS event source: batches of up to 10, the handler's partial batch failures
   * stay on the queue (visible again after the queue's 1 s visibility timeout, moved to the
   * dead-letter queue after {@link #MAX_RECEIVE_COUNT} receives), until nothing is left.
   */
  private int drain(TaggerHandler handler, String queue) throws IOException {
    int invocations = 0;
    while (true) {
      List<Message> batch = aws.receive(queue, 1);
      // Nothing visible and nothing in flight: every message was deleted or dead-lettered (SQS
      // moves a message on the receive after its last, so a returning one still counts here).
      if (batch.isEmpty() && remaining(queue) == 0) {
        return invocations;
      }
      if (batch.isEmpty()) {
        continue;
      }
      invocations++;
      JsonNode response =
          invoke(
              handler,
              LambdaEvents.sqs(
                  json, batch, "arn:aws:sqs:" + REGION + ":000000000000:buffer", REGION));
      Set<String> failed = new HashSet<>(response.findValuesAsText("itemIdentifier"));
      aws.deleteAll(queue, batch.stream().filter(m -> !failed.contains(m.messageId())).toList());
    }
  }

  /** One invocation, as Lambda makes it: the SQS event in, the {@code SQSBatchResponse} out. */
  private static JsonNode invoke(TaggerHandler handler, ObjectNode event) throws IOException {
    return LocalFunction.TAGGER.invoke(handler, "faults", event);
  }

  private int remaining(String queue) {
    Map<QueueAttributeName, String> attributes =
        aws.clients()
            .sqs()
            .getQueueAttributes(
                b ->
                    b.queueUrl(queue)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(
            attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  @Override
  public void close() {
    wirings.forEach(TaggerWiring::close);
    proxy.close();
  }

  /**
   * The figures of issue 9's two fault scenarios, printed: the first 3 tag writes of each of 5
   * objects fail; then 30% of all S3 requests fail at random over 180 object versions.
   *
   * <p>Run: {@code functions/tagger/faults.sh [objects] [share] [seed]}.
   */
  public static void main(String[] args) throws Exception {
    int objects = args.length > 0 ? Integer.parseInt(args[0]) : 180;
    double share = args.length > 1 ? Double.parseDouble(args[1]) : 0.3;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 9;
    byte[] photo = Files.readAllBytes(Path.of("../../events/sample.jpg"));
    try (LocalAws aws = LocalAws.start();
        S3FaultScenario scenario = new S3FaultScenario(aws)) {
      Figures first =
          scenario.run(
              "first-tag-writes",
              5,
              photo,
              FaultyS3.Fault.firstTagWrites(3, FaultyS3.Error.INTERNAL_ERROR));
      System.out.println("first 3 tag writes of each object fail, 5 objects: " + first);
      Figures random =
          scenario.run("random-faults", objects, photo, FaultyS3.Fault.random(share, seed));
      System.out.printf(
          Locale.ROOT, "%.0f%% random S3 faults, %d versions: %s%n", share * 100, objects, random);
    }
  }
}
