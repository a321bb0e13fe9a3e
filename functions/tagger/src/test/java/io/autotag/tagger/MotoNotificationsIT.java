package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.CapturedLogs;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.MotoServer;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Buffered mode with real S3 event notifications: moto delivers them to an SQS queue, the test
 * hands what arrives to the tagger exactly as Lambda's SQS event source would (messageId, body,
 * receive count), and the tags land in moto's S3. Skips where moto is not installed.
 */
class MotoNotificationsIT {

  static MotoServer moto;
  static AwsClients clients;
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() {
    Optional<MotoServer> server = MotoServer.startIfInstalled();
    assumeTrue(server.isPresent(), "moto_server is not installed");
    moto = server.get();
    clients = LocalAws.clients(moto.env());
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      clients.close();
      moto.close();
    }
  }

  @Test
  void realNotificationsThroughSqsAreTaggedAndReviewed() throws Exception {
    String bucket = "moto-uploads";
    clients.s3().createBucket(b -> b.bucket(bucket));
    String buffer = clients.sqs().createQueue(b -> b.queueName("moto-buffer")).queueUrl();
    String review = clients.sqs().createQueue(b -> b.queueName("moto-review")).queueUrl();
    String bufferArn = queueArn(buffer);
    notifyQueue(bucket, bufferArn, "s3:ObjectCreated:*");

    byte[] cat = Files.readAllBytes(Path.of("../../events/sample.jpg"));
    byte[] unsure = TestImages.png(Color.MAGENTA);
    FakeClassifier classifier =
        new FakeClassifier()
            .answer(cat, new Label("cat", 0.93))
            .answer(unsure, new Label("bird", 0.12));
    upload(bucket, "photos/My Holiday+Beach ü.jpg", cat);
    upload(bucket, "photos/unsure.png", unsure);
    upload(bucket, "docs/readme.txt", "plain text".getBytes(StandardCharsets.UTF_8));

    List<Message> delivered = receiveObjectEvents(buffer, 3);
    Map<String, String> env = new HashMap<>(moto.env());
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", review);
    env.put("AUTOTAG_PRIMING", "false");
    try (TaggerWiring wiring =
        TaggerWiring.create(
            env,
            ProviderRegistry.builtIn().with(classifier),
            LocalAws::clients,
            Clock.systemUTC())) {
      TaggerHandler handler = new TaggerHandler(wiring);

      JsonNode response = invoke(handler, sqsEvent(delivered, bufferArn));
      assertThat(response.get("batchItemFailures")).isEmpty();

      assertThat(tags(bucket, "photos/My Holiday+Beach ü.jpg"))
          .containsEntry("autotag:status", "classified")
          .containsEntry("autotag:label", "cat");
      assertThat(tags(bucket, "photos/unsure.png")).containsEntry("autotag:status", "review");
      assertThat(tags(bucket, "docs/readme.txt"))
          .containsEntry("autotag:reason", "unsupported-type");
      List<Message> reviews =
          clients.sqs().receiveMessage(b -> b.queueUrl(review).maxNumberOfMessages(10)).messages();
      assertThat(reviews)
          .singleElement()
          .satisfies(m -> assertThat(m.body()).contains("unsure.png"));

      // The same notifications again, as S3 would deliver them straight to Lambda: all duplicates.
      for (Message message : delivered) {
        JsonNode direct = invoke(handler, (ObjectNode) json.readTree(message.body()));
        assertThat(direct.get("duplicate").asInt()).isEqualTo(1);
      }
      assertThat(classifier.calls()).isEqualTo(2);
    }
  }

  @Test
  void s3sTestEventAndARemovalAreIgnoredEachWithItsOwnLogLine() throws Exception {
    String bucket = "moto-removals";
    clients.s3().createBucket(b -> b.bucket(bucket));
    String buffer = clients.sqs().createQueue(b -> b.queueName("moto-removals-buffer")).queueUrl();
    String bufferArn = queueArn(buffer);
    notifyQueue(bucket, bufferArn, "s3:ObjectCreated:*", "s3:ObjectRemoved:*");
    upload(bucket, "photos/short-lived.png", TestImages.png(Color.GREEN));
    clients.s3().deleteObject(b -> b.bucket(bucket).key("photos/short-lived.png"));

    // What S3 sent: its test event when the notification was set, the upload, the removal.
    List<Message> delivered = receiveUntil(buffer, 3);
    Map<String, String> env = new HashMap<>(moto.env());
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put(
        "AUTOTAG_REVIEW_QUEUE_URL",
        clients.sqs().createQueue(b -> b.queueName("moto-removals-review")).queueUrl());
    env.put("AUTOTAG_PRIMING", "false");
    FakeClassifier classifier = new FakeClassifier().defaultAnswer(new Label("cat", 0.93));
    try (TaggerWiring wiring =
            TaggerWiring.create(
                env,
                ProviderRegistry.builtIn().with(classifier),
                LocalAws::clients,
                Clock.systemUTC());
        CapturedLogs sqsLogs = CapturedLogs.of(SqsBatches.class);
        CapturedLogs recordLogs = CapturedLogs.of(S3Notifications.class)) {
      JsonNode response = invoke(new TaggerHandler(wiring), sqsEvent(delivered, bufferArn));

      assertThat(response.get("batchItemFailures")).isEmpty();
      assertThat(sqsLogs.lines())
          .filteredOn(line -> line.message().startsWith("message ignored"))
          .singleElement()
          .satisfies(line -> assertThat(line.fields()).containsEntry("event", "s3:TestEvent"));
      assertThat(recordLogs.lines())
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.message()).startsWith("record ignored");
                assertThat(line.fields().get("eventName")).startsWith("ObjectRemoved:");
                assertThat(line.fields()).containsEntry("key", "photos/short-lived.png");
              });
      // The upload's own event found the object gone: nothing to classify.
      assertThat(classifier.calls()).isZero();
    }
  }

  /** Real S3 notifications of {@code events} in {@code bucket} to the queue {@code queueArn}. */
  static void notifyQueue(String bucket, String queueArn, String... events) {
    clients
        .s3()
        .putBucketNotificationConfiguration(
            b ->
                b.bucket(bucket)
                    .notificationConfiguration(
                        n ->
                            n.queueConfigurations(
                                q -> q.queueArn(queueArn).eventsWithStrings(events))));
  }

  static String queueArn(String queueUrl) {
    return clients
        .sqs()
        .getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  /** Receives until {@code count} messages of any kind arrived. */
  static List<Message> receiveUntil(String queue, int count) {
    List<Message> messages = new ArrayList<>();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (messages.size() < count && Instant.now().isBefore(deadline)) {
      messages.addAll(
          clients
              .sqs()
              .receiveMessage(
                  b ->
                      b.queueUrl(queue)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNamesWithStrings("All"))
              .messages());
    }
    assertThat(messages).hasSize(count);
    return messages;
  }

  static void upload(String bucket, String key, byte[] body) {
    clients.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
  }

  static Map<String, String> tags(String bucket, String key) {
    return ObjectTags.read(clients.s3(), bucket, key);
  }

  /**
   * Receives until {@code count} ObjectCreated notifications arrived (moto also sends a TestEvent).
   */
  static List<Message> receiveObjectEvents(String queue, int count) throws InterruptedException {
    List<Message> events = new ArrayList<>();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (events.size() < count && Instant.now().isBefore(deadline)) {
      for (Message message :
          clients
              .sqs()
              .receiveMessage(
                  b ->
                      b.queueUrl(queue)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNamesWithStrings("All"))
              .messages()) {
        if (message.body().contains("ObjectCreated")) {
          events.add(message);
        }
      }
    }
    assertThat(events).hasSize(count);
    return events;
  }

  /** The event Lambda's SQS event source mapping builds from received messages. */
  static ObjectNode sqsEvent(List<Message> messages, String queueArn) {
    return LambdaEvents.sqs(json, messages, queueArn, LocalAws.REGION);
  }

  static JsonNode invoke(TaggerHandler handler, ObjectNode event) throws Exception {
    return LocalFunction.TAGGER.invoke(handler, "moto-1", event);
  }
}
