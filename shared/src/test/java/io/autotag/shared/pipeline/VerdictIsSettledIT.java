package io.autotag.shared.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.config.Settings;
import io.autotag.shared.review.SqsReviewQueue;
import io.autotag.shared.tagging.ObjectTag;
import io.autotag.shared.tagging.TagMerge;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/**
 * A person's verdict ({@code status=reviewed}) is settled: a redelivered event, a backfill, or an
 * event for older content never replaces it, even when the verdict came in while the tagger was
 * still working on the object; new content under the same key is classified again.
 */
class VerdictIsSettledIT {

  static final String BUCKET = "verdicts";
  static final String VERSIONED = "verdicts-versioned";
  static final byte[] PHOTO = TestImages.jpeg(Color.ORANGE);
  static final byte[] OTHER_PHOTO = TestImages.png(Color.GREEN);
  static final TagSchema SCHEMA = new TagSchema("autotag:", 0.3, 5);
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  static LocalAws aws;
  static AwsClients tagger;
  static String queue;
  static FakeClassifier classifier;
  static TaggingPipeline pipeline;

  /** When set, runs right after the tagger's review messages went out: a quick reviewer. */
  static final AtomicReference<Runnable> afterReviewSent = new AtomicReference<>();

  @BeforeAll
  static void start() {
    aws = LocalAws.start();
    aws.createBucket(BUCKET, false);
    aws.createBucket(VERSIONED, true);
    queue = aws.createQueue("verdict-review");
    Settings settings = Settings.of(aws.env());
    ExecutionInterceptor reviewer =
        new ExecutionInterceptor() {
          @Override
          public void afterExecution(
              Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof SendMessageBatchRequest) {
              Runnable action = afterReviewSent.getAndSet(null);
              if (action != null) {
                action.run();
              }
            }
          }
        };
    AwsSettings awsSettings = AwsSettings.from(settings);
    settings.check();
    tagger =
        AwsClients.create(
            awsSettings,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")),
            List.of(reviewer));
    // Everything goes to review: the verdicts below replace a review status, as they do in use.
    classifier = new FakeClassifier().defaultAnswer(new Label("cat", 0.2));
    pipeline =
        new TaggingPipeline(
            new S3Objects(tagger.s3(), tagger.s3Presigner()),
            classifier,
            SCHEMA,
            new SqsReviewQueue(tagger.sqs(), queue, new ObjectMapper()),
            new PipelineSettings(0.5, 4, PipelineSettings.DEFAULT_MAX_OBJECT_BYTES, false, null),
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    pipeline.close();
    tagger.close();
    aws.close();
  }

  @BeforeEach
  void emptyQueue() {
    aws.drain(queue);
    afterReviewSent.set(null);
  }

  @Test
  void redeliveredEventAfterAVerdictKeepsTheVerdict() {
    ObjectRef ref = upload(BUCKET, "redelivered.jpg", PHOTO, Map.of());
    process(ref);
    assertThat(aws.drain(queue)).hasSize(1);
    judge(ref, List.of("dog"), Map.of());
    int calls = classifier.calls();

    List<ObjectResult> again = process(ref);

    assertThat(again.getFirst().outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(classifier.calls()).isEqualTo(calls);
    assertThat(tags(ref))
        .containsEntry("autotag:status", "reviewed")
        .containsEntry("autotag:label", "dog");
    assertThat(aws.drain(queue)).isEmpty();
  }

  @Test
  void backfillWithoutAnETagKeepsTheVerdict() {
    ObjectRef ref = upload(BUCKET, "backfilled.jpg", PHOTO, Map.of());
    judge(ref, List.of("dog"), Map.of());

    List<ObjectResult> result = process(ObjectRef.of(BUCKET, "backfilled.jpg"));

    assertThat(result.getFirst().outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(tags(ref)).containsEntry("autotag:label", "dog");
  }

  @Test
  void verdictWithoutRoomForItsETagIsStillKept() {
    Map<String, String> eight = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      eight.put("user" + i, "v" + i);
    }
    ObjectRef ref = upload(BUCKET, "crowded.jpg", PHOTO, eight);
    judge(ref, List.of("dog"), eight);
    assertThat(tags(ref)).doesNotContainKey("autotag:etag").containsEntry("autotag:label", "dog");

    assertThat(process(ref).getFirst().outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(tags(ref)).containsEntry("autotag:status", "reviewed").containsAllEntriesOf(eight);
  }

  @Test
  void eventForOverwrittenContentDoesNotReplaceTheVerdictOnTheNewContent() {
    ObjectRef old = upload(BUCKET, "overwritten.jpg", OTHER_PHOTO, Map.of());
    ObjectRef current = upload(BUCKET, "overwritten.jpg", PHOTO, Map.of());
    process(current);
    judge(current, List.of("dog"), Map.of());

    assertThat(process(old).getFirst().outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(tags(current)).containsEntry("autotag:label", "dog");
  }

  @Test
  void newContentUnderTheSameKeyIsClassifiedAgainEvenWithTheOldTagsCopied() {
    ObjectRef first = upload(BUCKET, "replaced.jpg", PHOTO, Map.of());
    judge(first, List.of("dog"), Map.of());
    // A client that copies the old tag set onto the new upload (CopyObject's COPY directive does).
    Map<String, String> copied = tags(first);
    ObjectRef second = upload(BUCKET, "replaced.jpg", OTHER_PHOTO, copied);

    assertThat(process(second).getFirst().outcome()).isEqualTo(Outcome.REVIEW);
    assertThat(tags(second))
        .containsEntry("autotag:status", "review")
        .containsEntry("autotag:etag", second.eTag().orElseThrow());
  }

  @Test
  void newVersionIsClassifiedAndTheJudgedVersionKeepsItsVerdict() {
    ObjectRef v1 = upload(VERSIONED, "versions.jpg", PHOTO, Map.of());
    judge(v1, List.of("dog"), Map.of());
    ObjectRef v2 = upload(VERSIONED, "versions.jpg", OTHER_PHOTO, Map.of());

    assertThat(process(v2).getFirst().outcome()).isEqualTo(Outcome.REVIEW);
    assertThat(process(v1).getFirst().outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(tags(v1)).containsEntry("autotag:status", "reviewed");
    assertThat(tags(v2)).containsEntry("autotag:status", "review");
  }

  @Test
  void verdictThatArrivesWhileTheTaggerWorksIsNotOverwritten() {
    ObjectRef ref = upload(BUCKET, "quick-reviewer.jpg", PHOTO, Map.of());
    // The review message is out; a reviewer judges before the tagger writes its review tags.
    afterReviewSent.set(() -> judge(ref, List.of("dog"), Map.of()));

    List<ObjectResult> result = process(ref);

    assertThat(result.getFirst().outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(result.getFirst().detail()).isEqualTo("already-reviewed");
    assertThat(tags(ref))
        .containsEntry("autotag:status", "reviewed")
        .containsEntry("autotag:label", "dog");
  }

  @Test
  void withoutAVerdictTheReviewTagsAreWrittenAsBefore() {
    ObjectRef ref = upload(BUCKET, "plain-review.jpg", PHOTO, Map.of());

    assertThat(process(ref).getFirst().outcome()).isEqualTo(Outcome.REVIEW);
    assertThat(tags(ref)).containsEntry("autotag:status", "review");
    assertThat(aws.drain(queue)).hasSize(1);
  }

  private static List<ObjectResult> process(ObjectRef ref) {
    return pipeline.process(List.of(WorkItem.of(ref)));
  }

  /** What the review function writes: the verdict merged with the user's tags. */
  private static void judge(ObjectRef ref, List<String> labels, Map<String, String> userTags) {
    List<ObjectTag> existing = new ArrayList<>();
    userTags.forEach((k, v) -> existing.add(new ObjectTag(k, v)));
    var merge =
        TagMerge.of(
            existing, SCHEMA.forVerdict(labels, ref.eTag().orElse(null), "alice", NOW), SCHEMA);
    aws.clients()
        .s3()
        .putObjectTagging(
            b ->
                b.bucket(ref.bucket())
                    .key(ref.key())
                    .versionId(ref.versionId().orElse(null))
                    .tagging(
                        t ->
                            t.tagSet(
                                merge.tags().stream()
                                    .map(
                                        tag ->
                                            Tag.builder().key(tag.key()).value(tag.value()).build())
                                    .toList())));
  }

  private static ObjectRef upload(
      String bucket, String key, byte[] body, Map<String, String> userTags) {
    return aws.upload(bucket, key, body, userTags);
  }

  private static Map<String, String> tags(ObjectRef ref) {
    return ObjectTags.read(aws.clients().s3(), ref);
  }
}
