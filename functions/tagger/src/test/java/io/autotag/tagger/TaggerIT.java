package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.local.LocalFunction;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.CapturedLogs;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The tagger end to end against real S3 (LocalS3) and SQS (ElasticMQ) protocol servers in this JVM,
 * driven by the same {@code events/*.json} files that {@code sam local invoke -e} uses.
 */
class TaggerIT {

  static final Path EVENTS = Path.of("../../events");
  static final String BUCKET = "autotag-uploads";
  static final String VERSIONED_BUCKET = "autotag-versioned";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  static LocalAws aws;
  static byte[] sample;
  static final ObjectMapper json = new ObjectMapper();

  FakeClassifier classifier;
  String reviewQueue;
  final List<TaggerWiring> wirings = new ArrayList<>();

  @BeforeAll
  static void startServers() throws IOException {
    aws = LocalAws.start();
    aws.createBucket(BUCKET, false);
    aws.createBucket(VERSIONED_BUCKET, true);
    sample = Files.readAllBytes(EVENTS.resolve("sample.jpg"));
  }

  @AfterAll
  static void stopServers() {
    aws.close();
  }

  @BeforeEach
  void freshQueueAndClassifier() {
    classifier = new FakeClassifier().defaultAnswer(new Label("cat", 0.91), new Label("dog", 0.35));
    reviewQueue = aws.createQueue("review-" + System.nanoTime());
  }

  @AfterEach
  void closeWirings() {
    wirings.forEach(TaggerWiring::close);
  }

  TaggerWiring wiring(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueue);
    env.put("AUTOTAG_PRIMING", "false");
    // This test's own thresholds (what it checks is not the shipped defaults: TaggerConfigTest
    // pins those), so the fake's 0.91 is auto-tagged and its 0.35 is not listed.
    env.put("AUTOTAG_REVIEW_THRESHOLD", "0.75");
    env.put("AUTOTAG_LABEL_THRESHOLD", "0.65");
    env.putAll(extra);
    TaggerWiring wiring =
        TaggerWiring.create(
            env, ProviderRegistry.builtIn().with(classifier), LocalAws::clients, CLOCK);
    wirings.add(wiring);
    return wiring;
  }

  String invokeS3(String eventJson) throws IOException {
    return invoke(new TaggerHandler(wiring(Map.of())), eventJson);
  }

  static String invoke(RequestStreamHandler handler, String eventJson) throws IOException {
    byte[] response =
        LocalFunction.TAGGER.invoke(handler, "req-1", eventJson.getBytes(StandardCharsets.UTF_8));
    return new String(response, StandardCharsets.UTF_8);
  }

  static String event(String file) throws IOException {
    return Files.readString(EVENTS.resolve(file));
  }

  static void put(String bucket, String key, byte[] body, Map<String, String> userTags) {
    aws.clients().s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
    if (!userTags.isEmpty()) {
      ObjectTags.write(aws.clients().s3(), bucket, key, userTags);
    }
  }

  static Map<String, String> tags(String bucket, String key, String versionId) {
    return ObjectTags.read(aws.clients().s3(), bucket, key, versionId);
  }

  static Map<String, String> tags(String key) {
    return tags(BUCKET, key, null);
  }

  List<JsonNode> reviewMessages() throws IOException {
    List<JsonNode> bodies = new ArrayList<>();
    for (Message message : aws.drain(reviewQueue)) {
      bodies.add(json.readTree(message.body()));
    }
    return bodies;
  }

  @Test
  void eventFilesDescribeTheSampleImage() throws Exception {
    // The sample events carry sample.jpg's eTag and size, so `aws s3 cp events/sample.jpg ...`
    // followed by `sam local invoke -e events/s3-put.json` behaves exactly like these tests.
    JsonNode object = json.readTree(event("s3-put.json")).at("/Records/0/s3/object");
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(sample));
    assertThat(object.get("eTag").asText()).isEqualTo(md5);
    assertThat(object.get("size").asLong()).isEqualTo(sample.length);
  }

  @Test
  void plainPutIsClassifiedAndTagged() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample, Map.of());

    String output = invokeS3(event("s3-put.json"));

    assertThat(tags("photos/cat.jpg"))
        .containsEntry("autotag:status", "classified")
        .containsEntry("autotag:label", "cat")
        .containsEntry("autotag:confidence", "0.91")
        .containsEntry("autotag:labels", "cat") // dog 0.35 is below the label threshold (0.65)
        .containsEntry("autotag:model", "fake/scripted")
        .containsEntry("autotag:etag", "2224d56de21ef39bd00e7b969a0646e2");
    assertThat(json.readTree(output).get("classified").asInt()).isEqualTo(1);
    assertThat(reviewMessages()).isEmpty();
  }

  @Test
  void encodedKeyIsDecodedBeforeUse() throws IOException {
    put(BUCKET, "photos/My Holiday+Beach ü.jpg", sample, Map.of());

    invokeS3(event("s3-put-encoded-key.json"));

    assertThat(tags("photos/My Holiday+Beach ü.jpg")).containsEntry("autotag:status", "classified");
  }

  @Test
  void everyRecordIsHandledAndOnlyCreatedObjectsAreTouched() throws IOException {
    put(BUCKET, "photos/a.jpg", sample, Map.of());
    put(BUCKET, "photos/b.jpg", TestImages.png(Color.BLUE), Map.of());
    put(BUCKET, "photos/old.jpg", sample, Map.of());

    String output;
    try (CapturedLogs logs = CapturedLogs.of(S3Notifications.class)) {
      output = invokeS3(event("s3-multi-record.json"));

      assertThat(logs.lines())
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.message()).startsWith("record ignored");
                assertThat(line.fields())
                    .containsEntry("eventName", "ObjectRemoved:Delete")
                    .containsEntry("key", "photos/old.jpg");
              });
    }

    assertThat(tags("photos/a.jpg")).containsEntry("autotag:status", "classified");
    assertThat(tags("photos/b.jpg")).containsEntry("autotag:status", "classified");
    assertThat(tags("photos/old.jpg")).as("ObjectRemoved records are ignored").isEmpty();
    assertThat(json.readTree(output).get("classified").asInt()).isEqualTo(2);
  }

  @Test
  void versionedPutTagsExactlyTheVersionInTheEvent() throws IOException {
    String key = "photos/versioned/cat.jpg";
    byte[] second = TestImages.png(Color.GREEN);
    String v1 =
        aws.clients()
            .s3()
            .putObject(b -> b.bucket(VERSIONED_BUCKET).key(key), RequestBody.fromBytes(sample))
            .versionId();
    String v2 =
        aws.clients()
            .s3()
            .putObject(b -> b.bucket(VERSIONED_BUCKET).key(key), RequestBody.fromBytes(second))
            .versionId();
    classifier.answer(sample, new Label("cat", 0.95)).answer(second, new Label("dog", 0.97));
    // The sample's version id is whatever S3 assigned when it was recorded; use the emulator's.
    String versioned =
        event("s3-put-versioned.json")
            .replace("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", v1)
            .replace("\"autotag-uploads\"", "\"" + VERSIONED_BUCKET + "\"");

    invokeS3(versioned);

    assertThat(tags(VERSIONED_BUCKET, key, v1))
        .containsEntry("autotag:label", "cat")
        .containsEntry("autotag:status", "classified");
    assertThat(tags(VERSIONED_BUCKET, key, v2)).as("the newer version is not touched").isEmpty();
  }

  @Test
  void versionThatNoLongerExistsIsReportedGoneNotRetried() throws IOException {
    String output = invokeS3(event("s3-put-versioned.json"));

    assertThat(json.readTree(output).get("gone").asInt()).isEqualTo(1);
    assertThat(classifier.calls()).isZero();
  }

  @Test
  void duplicateDeliveryNeitherReclassifiesNorRequeues() throws IOException {
    classifier.defaultAnswer(new Label("cat", 0.2));
    put(BUCKET, "photos/cat.jpg", sample, Map.of());
    TaggerHandler handler = new TaggerHandler(wiring(Map.of()));

    invoke(handler, event("s3-put.json"));
    String second = invoke(handler, event("s3-put.json"));

    assertThat(classifier.calls()).isEqualTo(1);
    assertThat(json.readTree(second).get("duplicate").asInt()).isEqualTo(1);
    assertThat(reviewMessages()).hasSize(1);
    assertThat(tags("photos/cat.jpg")).containsEntry("autotag:status", "review");
  }

  @Test
  void lateEventForOverwrittenContentIsADuplicateOnceTheNewContentIsTagged() throws IOException {
    byte[] newer = TestImages.png(Color.CYAN);
    put(BUCKET, "photos/cat.jpg", newer, Map.of());
    String newerETag =
        aws.clients()
            .s3()
            .headObject(b -> b.bucket(BUCKET).key("photos/cat.jpg"))
            .eTag()
            .replace("\"", "");
    TaggerHandler handler = new TaggerHandler(wiring(Map.of()));
    // The newer upload's own event arrives first and tags the object.
    invoke(handler, event("s3-put.json").replace("2224d56de21ef39bd00e7b969a0646e2", newerETag));

    // Then the delayed event of the older upload (sample.jpg's eTag) arrives.
    String late = invoke(handler, event("s3-put.json"));

    assertThat(json.readTree(late).get("duplicate").asInt()).isEqualTo(1);
    assertThat(classifier.calls()).isEqualTo(1);
    assertThat(tags("photos/cat.jpg")).containsEntry("autotag:etag", newerETag);
  }

  @Test
  void lowConfidenceGoesToReviewWithACompleteReference() throws IOException {
    classifier.defaultAnswer(new Label("cat", 0.31), new Label("fox", 0.30));
    put(BUCKET, "photos/cat.jpg", sample, Map.of());

    invokeS3(event("s3-put.json"));

    assertThat(tags("photos/cat.jpg"))
        .containsEntry("autotag:status", "review")
        .containsEntry("autotag:label", "cat");
    List<JsonNode> messages = reviewMessages();
    assertThat(messages).hasSize(1);
    JsonNode review = messages.getFirst();
    assertThat(review.get("schema").asText()).isEqualTo("autotag.review/1");
    assertThat(review.get("bucket").asText()).isEqualTo(BUCKET);
    assertThat(review.get("key").asText()).isEqualTo("photos/cat.jpg");
    assertThat(review.get("eTag").asText()).isEqualTo("2224d56de21ef39bd00e7b969a0646e2");
    assertThat(review.get("size").asLong()).isEqualTo(sample.length);
    assertThat(review.get("contentType").asText()).isEqualTo("image/jpeg");
    assertThat(review.get("provider").asText()).isEqualTo("fake");
    assertThat(review.get("threshold").asDouble()).isEqualTo(0.75);
    assertThat(review.get("reason").asText()).isEqualTo("low-confidence");
    assertThat(review.get("time").asText()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(review.get("predictions").get(0).get("label").asText()).isEqualTo("cat");
    assertThat(review.get("predictions")).hasSize(2);
  }

  @Test
  void manyReviewItemsOfOneInvocationAllArrive() throws IOException {
    classifier.defaultAnswer(new Label("cat", 0.1));
    StringBuilder records = new StringBuilder();
    String template = json.readTree(event("s3-put.json")).get("Records").get(0).toString();
    for (int i = 0; i < 13; i++) {
      put(BUCKET, "many/" + i + ".jpg", sample, Map.of());
      records
          .append(i == 0 ? "" : ",")
          .append(template.replace("photos/cat.jpg", "many/" + i + ".jpg"));
    }

    invokeS3("{\"Records\":[" + records + "]}");

    assertThat(reviewMessages())
        .extracting(m -> m.get("key").asText())
        .hasSize(13)
        .doesNotHaveDuplicates();
  }

  @Test
  void eightUserTagsAreKeptAndOurTagsDegrade() throws IOException {
    Map<String, String> userTags = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      userTags.put("team" + i, "value " + i);
    }
    put(BUCKET, "photos/cat.jpg", sample, userTags);

    invokeS3(event("s3-put.json"));

    Map<String, String> tags = tags("photos/cat.jpg");
    assertThat(tags).hasSize(10).containsAllEntriesOf(userTags);
    assertThat(tags)
        .containsEntry("autotag:status", "classified")
        .containsEntry("autotag:label", "cat");
  }

  @Test
  void noFreeTagSlotGoesToReviewAndLeavesUserTagsAlone() throws IOException {
    Map<String, String> userTags = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      userTags.put("team" + i, "value " + i);
    }
    put(BUCKET, "photos/cat.jpg", sample, userTags);

    invokeS3(event("s3-put.json"));

    assertThat(tags("photos/cat.jpg")).isEqualTo(userTags);
    assertThat(reviewMessages())
        .singleElement()
        .satisfies(m -> assertThat(m.get("reason").asText()).isEqualTo("no-tag-slots"));
  }

  @Test
  void nonImageIsSkippedWithAReasonAndNeverClassified() throws IOException {
    put(
        BUCKET,
        "photos/cat.jpg",
        "%PDF-1.7 not an image".getBytes(StandardCharsets.UTF_8),
        Map.of());

    String output = invokeS3(event("s3-put.json"));

    assertThat(tags("photos/cat.jpg"))
        .containsEntry("autotag:status", "skipped")
        .containsEntry("autotag:reason", "unsupported-type")
        .containsEntry("autotag:model", "fake");
    assertThat(classifier.calls()).isZero();
    assertThat(json.readTree(output).get("skipped").asInt()).isEqualTo(1);
  }

  @Test
  void zeroByteObjectIsSkippedAsEmpty() throws IOException {
    put(BUCKET, "photos/cat.jpg", new byte[0], Map.of("owner", "me"));

    invokeS3(event("s3-put.json").replace("\"size\": " + sample.length, "\"size\": 0"));

    assertThat(tags("photos/cat.jpg"))
        .containsEntry("owner", "me")
        .containsEntry("autotag:status", "skipped")
        .containsEntry("autotag:reason", "empty");
  }

  @Test
  void emptyObjectIsCaughtEvenWhenTheEventClaimsASize() throws IOException {
    put(BUCKET, "photos/cat.jpg", new byte[0], Map.of());

    invokeS3(event("s3-put.json"));

    assertThat(tags("photos/cat.jpg")).containsEntry("autotag:reason", "empty");
  }

  @Test
  void objectDeletedBeforeProcessingIsGoneNotAnError() throws IOException {
    aws.clients().s3().deleteObject(b -> b.bucket(BUCKET).key("photos/cat.jpg"));

    String output = invokeS3(event("s3-put.json"));

    assertThat(json.readTree(output).get("gone").asInt()).isEqualTo(1);
    assertThat(classifier.calls()).isZero();
    assertThat(
            aws.clients()
                .s3()
                .listObjectsV2(b -> b.bucket(BUCKET).prefix("photos/cat.jpg"))
                .keyCount())
        .as("nothing is recreated")
        .isZero();
  }

  @Test
  void oversizeObjectIsSkippedWithoutDownloading() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample, Map.of());

    invoke(
        new TaggerHandler(wiring(Map.of("AUTOTAG_MAX_OBJECT_BYTES", "1000"))),
        event("s3-put.json"));

    assertThat(tags("photos/cat.jpg")).containsEntry("autotag:reason", "too-large");
    assertThat(classifier.calls()).isZero();
  }

  @Test
  void retryableProviderFailureFailsTheInvocationThenSucceedsOnRetry() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample, Map.of());
    classifier.fail(
        sample, new ClassificationException(FailureReason.UNAVAILABLE, "provider answered 503"));
    TaggerHandler handler = new TaggerHandler(wiring(Map.of()));

    assertThatThrownBy(() -> invoke(handler, event("s3-put.json")))
        .isInstanceOf(S3Events.RetryLaterException.class)
        .hasMessageContaining("photos/cat.jpg")
        .hasMessageContaining("provider-unavailable");
    assertThat(tags("photos/cat.jpg")).as("nothing written, so the retry redoes it").isEmpty();

    classifier.answer(sample, new Label("cat", 0.8));
    invoke(handler, event("s3-put.json"));

    assertThat(tags("photos/cat.jpg")).containsEntry("autotag:status", "classified");
  }

  @Test
  void permanentProviderFailureIsTaggedWithTheReason() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample, Map.of());
    classifier.fail(sample, new ClassificationException(FailureReason.CORRUPT, "truncated"));

    invokeS3(event("s3-put.json"));

    assertThat(tags("photos/cat.jpg"))
        .containsEntry("autotag:status", "skipped")
        .containsEntry("autotag:reason", "corrupt-image");
  }

  @Test
  void malformedEventIsRefusedWithAClearError() {
    assertThatThrownBy(() -> invokeS3("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an S3 event notification");
    assertThatThrownBy(() -> invokeS3("[1,2")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sqsBufferedModeTagsEveryMessageAndIgnoresTheTestEvent() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample, Map.of());
    put(BUCKET, "photos/My Holiday+Beach ü.jpg", sample, Map.of());

    String output;
    try (CapturedLogs logs = CapturedLogs.of(SqsBatches.class)) {
      output = invoke(new TaggerHandler(wiring(Map.of())), event("sqs-s3-put.json"));

      assertThat(logs.lines())
          .filteredOn(line -> line.message().startsWith("message ignored"))
          .singleElement()
          .satisfies(line -> assertThat(line.fields()).containsEntry("event", "s3:TestEvent"));
    }

    assertThat(json.readTree(output).get("batchItemFailures")).isEmpty();
    assertThat(tags("photos/cat.jpg")).containsEntry("autotag:status", "classified");
    assertThat(tags("photos/My Holiday+Beach ü.jpg")).containsEntry("autotag:status", "classified");
  }

  @Test
  void aRemovalOnTheBufferQueueIsIgnoredWithALogLineNamingItsMessage() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample, Map.of());
    JsonNode event = json.readTree(event("sqs-s3-put.json"));
    ObjectNode message = (ObjectNode) event.get("Records").get(0);
    message.put(
        "body", message.get("body").asText().replace("ObjectCreated:Put", "ObjectRemoved:Delete"));

    String output;
    try (CapturedLogs logs = CapturedLogs.of(S3Notifications.class)) {
      output = invoke(new TaggerHandler(wiring(Map.of())), event.toString());

      assertThat(logs.lines())
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.message()).startsWith("record ignored");
                assertThat(line.fields())
                    .containsEntry("eventName", "ObjectRemoved:Delete")
                    .containsEntry("messageId", "059f36b4-87a3-44ab-83d2-661975830a7d")
                    .containsEntry("key", "photos/cat.jpg");
              });
    }

    assertThat(json.readTree(output).get("batchItemFailures")).isEmpty();
    assertThat(tags("photos/cat.jpg")).doesNotContainKey("autotag:status");
  }

  @Test
  void sqsBufferedModeReportsOnlyTheFailedMessages() throws IOException {
    byte[] flaky = TestImages.png(Color.ORANGE);
    put(BUCKET, "photos/cat.jpg", sample, Map.of());
    put(BUCKET, "photos/My Holiday+Beach ü.jpg", flaky, Map.of());
    classifier.fail(flaky, new ClassificationException(FailureReason.THROTTLED, "429"));
    JsonNode event = json.readTree(event("sqs-s3-put.json"));
    // A fourth message whose body is not an S3 event at all.
    ((ArrayNode) event.get("Records"))
        .addObject()
        .put("messageId", "garbage-1")
        .put("body", "this is not json");

    String output = invoke(new TaggerHandler(wiring(Map.of())), event.toString());

    assertThat(json.readTree(output).findValuesAsText("itemIdentifier"))
        .containsExactlyInAnyOrder("2e1424d4-f796-459a-8184-9c92662be6da", "garbage-1");
    assertThat(tags("photos/cat.jpg")).containsEntry("autotag:status", "classified");
    assertThat(tags("photos/My Holiday+Beach ü.jpg")).isEmpty();
  }

  @Test
  void lastDeliveryOfARetryableFailureIsTaggedFailedAndStillReported() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample, Map.of());
    classifier.fail(sample, new ClassificationException(FailureReason.UNAVAILABLE, "timeout"));
    String lastDelivery =
        event("sqs-s3-put.json")
            .replace("\"ApproximateReceiveCount\": \"1\"", "\"ApproximateReceiveCount\": \"3\"");

    String output = invoke(new TaggerHandler(wiring(Map.of())), lastDelivery);

    assertThat(json.readTree(output).findValuesAsText("itemIdentifier"))
        .contains("059f36b4-87a3-44ab-83d2-661975830a7d");
    assertThat(tags("photos/cat.jpg"))
        .containsEntry("autotag:status", "failed")
        .containsEntry("autotag:reason", "provider-unavailable");
  }

  @Test
  void primingPrimesTheClassifierAndWritesNothing() {
    TaggerWiring wiring = wiring(Map.of("AUTOTAG_PRIMING", "true"));
    long objectsBefore = aws.clients().s3().listObjectsV2(b -> b.bucket(BUCKET)).keyCount();

    assertThat(wiring.priming().prime()).isTrue();

    assertThat(classifier.primes()).isEqualTo(1);
    assertThat(classifier.calls()).isZero();
    assertThat(aws.clients().s3().listObjectsV2(b -> b.bucket(BUCKET)).keyCount())
        .isEqualTo(objectsBefore);
    assertThat(aws.drain(reviewQueue)).isEmpty();
  }
}
