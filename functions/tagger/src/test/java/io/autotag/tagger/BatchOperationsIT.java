package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The tagger as the target of an S3 Batch Operations job, against LocalS3 and ElasticMQ. The
 * invocations are {@code events/s3-batch-v1.json} and {@code events/s3-batch-v2.json}, written from
 * AWS's documented examples (the Lambda developer guide's schema 1.0 request, the 2.0 shape with a
 * bucket name, a null version and user arguments), varied per test the way a job varies them: other
 * keys, version ids, several tasks, a bucket ARN in its regional form.
 */
class BatchOperationsIT {

  static final String BUCKET = "autotag-uploads";
  static final String VERSIONED = "autotag-batch-versioned";
  static final String DOCS_TASK_ID = "dGFza2lkZ29lc2hlcmUK";
  static final String DOCS_INVOCATION_ID = "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo";
  static final ObjectMapper json = new ObjectMapper();

  static LocalAws aws;
  static byte[] sample;

  FakeClassifier classifier;
  String reviewQueue;
  final List<TaggerWiring> wirings = new ArrayList<>();

  @BeforeAll
  static void startServers() throws IOException {
    aws = LocalAws.start();
    aws.createBucket(BUCKET, false);
    aws.createBucket(VERSIONED, true);
    sample = Files.readAllBytes(TaggerIT.EVENTS.resolve("sample.jpg"));
  }

  @AfterAll
  static void stopServers() {
    aws.close();
  }

  @BeforeEach
  void freshQueueAndClassifier() {
    classifier = new FakeClassifier().defaultAnswer(new Label("cat", 0.91), new Label("dog", 0.35));
    reviewQueue = aws.createQueue("batch-review-" + System.nanoTime());
  }

  @AfterEach
  void closeWirings() {
    wirings.forEach(TaggerWiring::close);
  }

  TaggerHandler handler() {
    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueue);
    env.put("AUTOTAG_PRIMING", "false");
    // This test's own thresholds (what it checks is not the shipped defaults: TaggerConfigTest
    // pins those), so the fake's 0.91 is auto-tagged and its 0.35 is not listed.
    env.put("AUTOTAG_REVIEW_THRESHOLD", "0.75");
    env.put("AUTOTAG_LABEL_THRESHOLD", "0.65");
    TaggerWiring wiring =
        TaggerWiring.create(
            env, ProviderRegistry.builtIn().with(classifier), LocalAws::clients, TaggerIT.CLOCK);
    wirings.add(wiring);
    return new TaggerHandler(wiring);
  }

  static String event(String file) throws IOException {
    return Files.readString(TaggerIT.EVENTS.resolve(file));
  }

  /** The documented event with its one task replaced by {@code tasks}. */
  static String withTasks(String file, ObjectNode... tasks) throws IOException {
    ObjectNode event = (ObjectNode) json.readTree(event(file));
    ArrayNode list = event.putArray("tasks");
    for (ObjectNode task : tasks) {
      list.add(task);
    }
    return event.toString();
  }

  static ObjectNode taskV2(String taskId, String bucket, String encodedKey, String versionId) {
    ObjectNode task = json.createObjectNode().put("taskId", taskId).put("s3Key", encodedKey);
    if (versionId == null) {
      task.putNull("s3VersionId");
    } else {
      task.put("s3VersionId", versionId);
    }
    return task.put("s3Bucket", bucket);
  }

  static JsonNode invoke(TaggerHandler handler, String event) throws IOException {
    return json.readTree(TaggerIT.invoke(handler, event));
  }

  static String put(String bucket, String key, byte[] body) {
    return aws.clients()
        .s3()
        .putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body))
        .versionId();
  }

  static void setTags(String bucket, String key, Map<String, String> tags) {
    ObjectTags.write(aws.clients().s3(), bucket, key, tags);
  }

  static Map<String, String> tags(String bucket, String key, String versionId) {
    return ObjectTags.read(aws.clients().s3(), bucket, key, versionId);
  }

  static JsonNode onlyResult(JsonNode response) {
    assertThat(response.get("results")).hasSize(1);
    return response.get("results").get(0);
  }

  @Test
  void schemaOneTaskWithABucketArnIsTaggedAndAnsweredAsTheJobExpects() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample);

    JsonNode response = invoke(handler(), event("s3-batch-v1.json"));

    assertThat(response.get("invocationSchemaVersion").asText()).isEqualTo("1.0");
    assertThat(response.get("invocationId").asText()).isEqualTo(DOCS_INVOCATION_ID);
    assertThat(response.get("treatMissingKeysAs").asText()).isEqualTo("TemporaryFailure");
    JsonNode result = onlyResult(response);
    assertThat(result.get("taskId").asText()).isEqualTo(DOCS_TASK_ID);
    assertThat(result.get("resultCode").asText()).isEqualTo("Succeeded");
    assertThat(result.get("resultString").asText()).isEqualTo("classified");
    assertThat(tags(BUCKET, "photos/cat.jpg", null))
        .containsEntry("autotag:status", "classified")
        .containsEntry("autotag:label", "cat");
    // Batch Operations parses exactly these four fields; nothing else goes back.
    assertThat(response.properties())
        .extracting(Map.Entry::getKey)
        .containsExactlyInAnyOrder(
            "invocationSchemaVersion", "treatMissingKeysAs", "invocationId", "results");
  }

  @Test
  void schemaTwoTaskNamesTheBucketAndItsUrlEncodedKeyIsDecoded() throws IOException {
    put(BUCKET, "photos/My Holiday+Beach ü.jpg", sample);

    JsonNode response = invoke(handler(), event("s3-batch-v2.json"));

    assertThat(response.get("invocationSchemaVersion").asText()).isEqualTo("2.0");
    assertThat(onlyResult(response).get("resultCode").asText()).isEqualTo("Succeeded");
    assertThat(tags(BUCKET, "photos/My Holiday+Beach ü.jpg", null))
        .containsEntry("autotag:status", "classified");
  }

  @Test
  void regionalBucketArnFormOfTheUserGuideNamesTheSameBucket() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample);
    String event =
        event("s3-batch-v1.json")
            .replace("arn:aws:s3:::autotag-uploads", "arn:aws:s3:us-east-1:0123456788:" + BUCKET);

    JsonNode response = invoke(handler(), event);

    assertThat(onlyResult(response).get("resultString").asText()).isEqualTo("classified");
  }

  @Test
  void versionIdOfATaskTagsExactlyThatVersion() throws IOException {
    String key = "photos/versions/cat.jpg";
    byte[] second = TestImages.png(Color.GREEN);
    String v1 = put(VERSIONED, key, sample);
    String v2 = put(VERSIONED, key, second);
    classifier.answer(sample, new Label("cat", 0.95)).answer(second, new Label("dog", 0.97));

    JsonNode response =
        invoke(
            handler(),
            withTasks(
                "s3-batch-v2.json", taskV2("t-v1", VERSIONED, "photos/versions/cat.jpg", v1)));

    assertThat(onlyResult(response).get("resultCode").asText()).isEqualTo("Succeeded");
    assertThat(tags(VERSIONED, key, v1)).containsEntry("autotag:label", "cat");
    assertThat(tags(VERSIONED, key, v2)).as("the current version is not touched").isEmpty();
  }

  @Test
  void missingKeyIsAnsweredGoneAndNothingIsCreated() throws IOException {
    JsonNode response =
        invoke(
            handler(),
            withTasks(
                "s3-batch-v2.json", taskV2("t-missing", BUCKET, "photos/never-was.jpg", null)));

    JsonNode result = onlyResult(response);
    assertThat(result.get("resultCode").asText()).isEqualTo("Succeeded");
    assertThat(result.get("resultString").asText()).isEqualTo("gone");
    assertThat(classifier.calls()).isZero();
    assertThat(
            aws.clients()
                .s3()
                .listObjectsV2(b -> b.bucket(BUCKET).prefix("photos/never-was"))
                .keyCount())
        .isZero();
  }

  @Test
  void everyTaskIsAnsweredInOrderAndAMalformedOneFailsPermanentlyAlone() throws IOException {
    put(BUCKET, "multi/a.jpg", sample);
    put(BUCKET, "multi/b.jpg", "%PDF-1.7 not an image".getBytes(StandardCharsets.UTF_8));
    ObjectNode noKey = json.createObjectNode().put("taskId", "t-nokey").put("s3Bucket", BUCKET);
    noKey.putNull("s3VersionId");

    JsonNode response =
        invoke(
            handler(),
            withTasks(
                "s3-batch-v2.json",
                taskV2("t-a", BUCKET, "multi/a.jpg", null),
                noKey,
                taskV2("t-b", BUCKET, "multi/b.jpg", null),
                taskV2("t-bad", BUCKET, "multi/%ZZ.jpg", null)));

    JsonNode results = response.get("results");
    assertThat(results.findValuesAsText("taskId"))
        .containsExactly("t-a", "t-nokey", "t-b", "t-bad");
    assertThat(results.findValuesAsText("resultCode"))
        .containsExactly("Succeeded", "PermanentFailure", "Succeeded", "PermanentFailure");
    assertThat(results.findValuesAsText("resultString"))
        .containsExactly(
            "classified",
            "malformed-task: no key",
            "skipped:unsupported-type",
            "malformed-task: badly encoded key");
    // A task names no eTag: the tags record the eTag of what was read, as for an upload.
    String readETag =
        aws.clients().s3().headObject(b -> b.bucket(BUCKET).key("multi/b.jpg")).eTag();
    assertThat(tags(BUCKET, "multi/b.jpg", null))
        .containsEntry("autotag:status", "skipped")
        .containsEntry("autotag:etag", readETag.replace("\"", ""));
  }

  @Test
  void throttledProviderIsATemporaryFailureAndTheRedriveTagsTheObject() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample);
    classifier.fail(sample, new ClassificationException(FailureReason.THROTTLED, "429"));
    TaggerHandler handler = handler();

    JsonNode first = onlyResult(invoke(handler, event("s3-batch-v1.json")));

    assertThat(first.get("resultCode").asText()).isEqualTo("TemporaryFailure");
    assertThat(first.get("resultString").asText()).isEqualTo("provider-throttled");
    assertThat(tags(BUCKET, "photos/cat.jpg", null)).as("nothing written yet").isEmpty();

    classifier.answer(sample, new Label("cat", 0.8));
    JsonNode redrive = onlyResult(invoke(handler, event("s3-batch-v1.json")));

    assertThat(redrive.get("resultCode").asText()).isEqualTo("Succeeded");
    assertThat(tags(BUCKET, "photos/cat.jpg", null)).containsEntry("autotag:status", "classified");
  }

  @Test
  void bucketS3RefusesIsAPermanentFailureWithItsErrorCode() throws IOException {
    JsonNode result =
        onlyResult(
            invoke(
                handler(),
                withTasks(
                    "s3-batch-v2.json", taskV2("t-x", "no-such-bucket-here", "a.jpg", null))));

    assertThat(result.get("resultCode").asText()).isEqualTo("PermanentFailure");
    assertThat(result.get("resultString").asText()).isEqualTo("s3-refused: NoSuchBucket");
  }

  @Test
  void corruptImageIsSucceededWithTheSkipReason() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample);
    classifier.fail(sample, new ClassificationException(FailureReason.CORRUPT, "truncated"));

    JsonNode result = onlyResult(invoke(handler(), event("s3-batch-v1.json")));

    assertThat(result.get("resultCode").asText()).isEqualTo("Succeeded");
    assertThat(result.get("resultString").asText()).isEqualTo("skipped:corrupt-image");
    assertThat(tags(BUCKET, "photos/cat.jpg", null))
        .containsEntry("autotag:etag", "2224d56de21ef39bd00e7b969a0646e2");
  }

  @Test
  void jobRunTwiceTagsAndQueuesNothingTheSecondTime() throws IOException {
    classifier.defaultAnswer(new Label("cat", 0.2));
    put(BUCKET, "photos/cat.jpg", sample);
    TaggerHandler handler = handler();

    JsonNode first = onlyResult(invoke(handler, event("s3-batch-v1.json")));
    JsonNode second = onlyResult(invoke(handler, event("s3-batch-v1.json")));

    assertThat(first.get("resultString").asText()).isEqualTo("review:low-confidence");
    assertThat(second.get("resultString").asText()).isEqualTo("duplicate");
    assertThat(classifier.calls()).isEqualTo(1);
    assertThat(aws.drain(reviewQueue)).hasSize(1);
  }

  @Test
  void jobOverlappingLiveUploadsClassifiesEachObjectOnce() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample);
    TaggerHandler handler = handler();

    // The upload's own event first, then the job's task for the same object ...
    TaggerIT.invoke(handler, TaggerIT.event("s3-put.json"));
    JsonNode task = onlyResult(invoke(handler, event("s3-batch-v1.json")));
    // ... and the other way round, on a second object.
    put(BUCKET, "photos/My Holiday+Beach ü.jpg", sample);
    invoke(handler, event("s3-batch-v2.json"));
    String late = TaggerIT.invoke(handler, TaggerIT.event("s3-put-encoded-key.json"));

    assertThat(task.get("resultString").asText()).isEqualTo("duplicate");
    assertThat(json.readTree(late).get("duplicate").asInt()).isEqualTo(1);
    assertThat(classifier.calls()).isEqualTo(2);
  }

  @Test
  void reviewersVerdictIsNeverOverwrittenByAJob() throws IOException {
    put(BUCKET, "photos/cat.jpg", sample);
    Map<String, String> verdict =
        Map.of(
            "owner", "me",
            "autotag:status", "reviewed",
            "autotag:label", "fox",
            "autotag:etag", "2224d56de21ef39bd00e7b969a0646e2");
    setTags(BUCKET, "photos/cat.jpg", verdict);

    JsonNode result = onlyResult(invoke(handler(), event("s3-batch-v1.json")));

    assertThat(result.get("resultCode").asText()).isEqualTo("Succeeded");
    assertThat(result.get("resultString").asText()).isEqualTo("duplicate");
    assertThat(tags(BUCKET, "photos/cat.jpg", null)).isEqualTo(verdict);
    assertThat(classifier.calls()).isZero();
  }

  @Test
  void unknownSchemaVersionFailsTheInvocationWithAClearError() {
    assertThatThrownBy(
            () -> invoke(handler(), event("s3-batch-v1.json").replace("\"1.0\"", "\"9.9\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invocationSchemaVersion");
  }
}
