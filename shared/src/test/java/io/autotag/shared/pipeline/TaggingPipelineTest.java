package io.autotag.shared.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.config.Settings;
import io.autotag.shared.tagging.ObjectTag;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.InMemoryObjectStore;
import io.autotag.shared.testing.RecordingReviewQueue;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The pipeline's decisions, fast: an in-memory object store and review queue, a fake classifier.
 * What S3 and SQS themselves do is in the integration tests (TaggerIT, OnnxPipelineIT, ...).
 */
class TaggingPipelineTest {

  private static final String BUCKET = "photos";
  private static final byte[] PHOTO = TestImages.png(Color.ORANGE);
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final RecordingReviewQueue reviews = new RecordingReviewQueue();
  private final FakeClassifier classifier = new FakeClassifier();
  private final TagSchema schema = TagSchema.from(Settings.of(Map.of()));
  private final TaggingPipeline pipeline =
      new TaggingPipeline(
          store,
          classifier,
          schema,
          reviews,
          // Its own review threshold, not the shipped default: the fake's 0.9 is auto-tagged.
          PipelineSettings.from(
              Settings.of(Map.of("AUTOTAG_CONCURRENCY", "4", "AUTOTAG_REVIEW_THRESHOLD", "0.75"))),
          CLOCK);

  @AfterEach
  void close() {
    pipeline.close();
  }

  private ObjectResult process(ObjectRef ref) {
    return pipeline.process(List.of(WorkItem.of(ref))).getFirst();
  }

  private String tag(ObjectRef ref, String name) {
    return schema.find(store.tagsOf(ref), name).orElse(null);
  }

  @Test
  void aConfidentAnswerIsTaggedBesideTheUsersOwnTagsAndQueuesNothing() {
    classifier.defaultAnswer(new Label("dog", 0.93));
    ObjectRef ref = store.put(BUCKET, "a.png", PHOTO, new ObjectTag("owner", "ann"));

    ObjectResult result = process(ref);

    assertThat(result.outcome()).isEqualTo(Outcome.CLASSIFIED);
    assertThat(result.detail()).isEqualTo("dog");
    assertThat(store.tagsOf(ref)).contains(new ObjectTag("owner", "ann"));
    assertThat(tag(ref, TagSchema.STATUS)).isEqualTo("classified");
    assertThat(tag(ref, TagSchema.LABEL)).isEqualTo("dog");
    assertThat(tag(ref, TagSchema.ETAG)).isEqualTo(ref.eTag().orElseThrow());
    assertThat(reviews.sent()).isEmpty();
  }

  @Test
  void anUnsureAnswerQueuesOneReviewMessageAndTagsReview() {
    classifier.defaultAnswer(new Label("cat", 0.2));
    ObjectRef ref = store.put(BUCKET, "unsure.png", PHOTO);

    ObjectResult result = process(ref);

    assertThat(result.outcome()).isEqualTo(Outcome.REVIEW);
    assertThat(result.detail()).isEqualTo(TaggingPipeline.LOW_CONFIDENCE);
    assertThat(tag(ref, TagSchema.STATUS)).isEqualTo("review");
    assertThat(reviews.sent())
        .singleElement()
        .satisfies(
            message -> {
              assertThat(message.key()).isEqualTo("unsure.png");
              assertThat(message.eTag()).isEqualTo(ref.eTag().orElseThrow());
              assertThat(message.contentType()).isEqualTo("image/png");
              assertThat(message.reason()).isEqualTo(TaggingPipeline.LOW_CONFIDENCE);
              assertThat(message.time()).isEqualTo("2026-01-02T03:04:05Z");
            });
  }

  @Test
  void aReviewMessageThatCannotBeQueuedLeavesTheTagsAloneAndRetriesOnlyThatObject() {
    classifier.defaultAnswer(new Label("cat", 0.2));
    ObjectRef refused = store.put(BUCKET, "refused.png", PHOTO);
    ObjectRef queued = store.put(BUCKET, "queued.png", TestImages.png(Color.BLUE));
    reviews.refuse(message -> message.key().equals("refused.png"));

    List<ObjectResult> results =
        pipeline.process(List.of(WorkItem.of(refused), WorkItem.of(queued)));

    assertThat(results)
        .extracting(ObjectResult::outcome)
        .containsExactly(Outcome.RETRY, Outcome.REVIEW);
    assertThat(results.getFirst().detail()).isEqualTo("review-queue");
    assertThat(store.tagsOf(refused)).isEmpty();
    assertThat(tag(queued, TagSchema.STATUS)).isEqualTo("review");
    assertThat(reviews.sent()).extracting(m -> m.key()).containsExactly("queued.png");
  }

  @Test
  void contentAutotagAlreadySettledIsADuplicateAndIsNotRead() {
    ObjectRef ref = store.put(BUCKET, "done.png", PHOTO);
    process(ref);
    int reads = store.reads();

    ObjectResult again = process(ref);

    assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(store.reads()).isEqualTo(reads);
    assertThat(classifier.calls()).isEqualTo(1);
  }

  @Test
  void whatIsNotAnImageIsTaggedSkippedWithoutAskingTheProvider() {
    ObjectRef ref = store.put(BUCKET, "notes.jpg", "just text".getBytes(StandardCharsets.UTF_8));

    ObjectResult result = process(ref);

    assertThat(result.outcome()).isEqualTo(Outcome.SKIPPED);
    assertThat(tag(ref, TagSchema.REASON)).isEqualTo(FailureReason.UNSUPPORTED_TYPE.code());
    assertThat(classifier.calls()).isZero();
  }

  @Test
  void anObjectTheEventSaysIsTooLargeIsSkippedWithoutBeingRead() {
    ObjectRef stored = store.put(BUCKET, "huge.png", PHOTO);
    ObjectRef announcedHuge =
        ObjectRef.of(
            BUCKET, "huge.png", null, stored.eTag().orElseThrow(), 10L * 1024 * 1024 * 1024);

    ObjectResult result = process(announcedHuge);

    assertThat(result.outcome()).isEqualTo(Outcome.SKIPPED);
    assertThat(result.detail()).isEqualTo(FailureReason.TOO_LARGE.code());
    assertThat(store.reads() + store.heads()).isZero();
  }

  @Test
  void anObjectDeletedBeforeItsTurnIsGone() {
    ObjectRef ref = store.put(BUCKET, "gone.png", PHOTO);
    store.delete(BUCKET, "gone.png");

    assertThat(process(ref).outcome()).isEqualTo(Outcome.GONE);
  }

  @Test
  void aRetryableProviderFailureIsRetriedAndOnTheLastAttemptTaggedFailed() {
    classifier.fail(PHOTO, new ClassificationException(FailureReason.UNAVAILABLE, "down"));
    ObjectRef ref = store.put(BUCKET, "later.png", PHOTO);

    ObjectResult first = process(ref);
    assertThat(first.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(first.error()).containsInstanceOf(ClassificationException.class);
    assertThat(store.tagWrites()).isZero();

    ObjectResult last = pipeline.process(List.of(new WorkItem(ref, true))).getFirst();
    assertThat(last.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(tag(ref, TagSchema.STATUS)).isEqualTo("failed");
    assertThat(tag(ref, TagSchema.REASON)).isEqualTo(FailureReason.UNAVAILABLE.code());
  }

  @Test
  void aProviderThatReadsS3ItselfGetsAReferenceAndOnlyTheFirstBytesAreRead() {
    classifier.capabilities(
        new ProviderCapabilities(
            5 * 1024 * 1024, false, true, 15L * 1024 * 1024, EnumSet.allOf(ImageFormat.class)));
    ObjectRef ref = store.put(BUCKET, "by-reference.png", PHOTO);

    assertThat(process(ref).outcome()).isEqualTo(Outcome.CLASSIFIED);

    assertThat(classifier.lastInput()).isEqualTo(ImageInput.S3Object.of(ref, ImageFormat.PNG));
    assertThat(store.heads()).isEqualTo(1);
    assertThat(store.reads()).isZero();
  }

  @Test
  void theBytesReachTheProviderWithTheFormatTheirMagicBytesNamed() {
    ObjectRef ref = store.put(BUCKET, "bytes.jpg", TestImages.jpeg(Color.GREEN));

    process(ref);

    assertThat(classifier.lastInput()).isInstanceOf(ImageInput.Bytes.class);
    assertThat(classifier.lastInput().format()).contains(ImageFormat.JPEG);
  }

  @Test
  void resultsFollowTheItemsEvenWhenOneObjectIsNamedTwice() {
    ObjectRef ref = store.put(BUCKET, "twice.png", PHOTO);
    WorkItem first = WorkItem.of(ref);
    WorkItem second = WorkItem.of(ref);

    List<ObjectResult> results = pipeline.process(List.of(first, second));

    assertThat(results.get(0).item()).isSameAs(first);
    assertThat(results.get(1).item()).isSameAs(second);
  }

  @Test
  void aTagWriteThatFailsIsRetried() {
    ObjectRef ref = store.put(BUCKET, "conflict.png", PHOTO);
    store.failTagWrites(new IllegalStateException("S3 said no"));

    ObjectResult result = process(ref);

    assertThat(result.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(result.detail()).isEqualTo("IllegalStateException");
  }

  /** An error as the SDK throws it when S3 answers {@code status} with {@code code}. */
  private static S3Exception s3Error(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .message(code)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
            .build();
  }

  @Test
  void aReviewWhoseTagWriteFailsIsWrittenInPlaceAndQueuedOnce() {
    classifier.defaultAnswer(new Label("cat", 0.2));
    ObjectRef ref = store.put(BUCKET, "flaky-write.png", PHOTO);
    store.failTagWrites(2, s3Error(503, "SlowDown"));

    ObjectResult result = process(ref);

    assertThat(result.outcome()).isEqualTo(Outcome.REVIEW);
    assertThat(tag(ref, TagSchema.STATUS)).isEqualTo("review");
    assertThat(reviews.sent()).hasSize(1);
  }

  @Test
  void aRedeliveryAfterTheTagWriteKeptFailingDoesNotQueueTheReviewAgain() {
    classifier.defaultAnswer(new Label("cat", 0.2));
    ObjectRef ref = store.put(BUCKET, "down.png", PHOTO);
    store.failTagWrites(s3Error(500, "InternalError"));

    // No time left for retries in place: the object goes back to its trigger.
    ObjectResult first =
        pipeline.process(List.of(WorkItem.of(ref)), Deadline.in(Duration.ZERO)).getFirst();
    assertThat(first.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(store.tagsOf(ref)).isEmpty();

    store.failTagWrites(0, null);
    ObjectResult redelivered = process(ref);

    assertThat(redelivered.outcome()).isEqualTo(Outcome.REVIEW);
    assertThat(tag(ref, TagSchema.STATUS)).isEqualTo("review");
    assertThat(reviews.sent()).as("the first delivery's message is the only one").hasSize(1);
  }

  @Test
  void twoDeliveriesOfOneVersionInOneBatchQueueOneMessage() {
    classifier.defaultAnswer(new Label("cat", 0.2));
    ObjectRef ref = store.put(BUCKET, "twice-unsure.png", PHOTO);

    List<ObjectResult> results = pipeline.process(List.of(WorkItem.of(ref), WorkItem.of(ref)));

    assertThat(results).extracting(ObjectResult::outcome).containsOnly(Outcome.REVIEW);
    assertThat(reviews.sent()).hasSize(1);
  }

  @Test
  void aTagWriteRefusedForGoodIsNotRetriedInPlace() {
    classifier.defaultAnswer(new Label("cat", 0.2));
    ObjectRef ref = store.put(BUCKET, "denied.png", PHOTO);
    store.failTagWrites(s3Error(403, "AccessDenied"));

    ObjectResult result = process(ref);

    assertThat(result.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(store.tagWrites()).isZero();
  }

  @Test
  void s3TroubleOnTheLastDeliveryIsTaggedFailedWithItsReason() {
    ObjectRef ref = store.put(BUCKET, "unreadable.png", PHOTO, new ObjectTag("owner", "ann"));
    store.failReads(s3Error(503, "SlowDown"));

    ObjectResult first = process(ref);
    assertThat(first.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(store.tagsOf(ref)).containsExactly(new ObjectTag("owner", "ann"));

    ObjectResult last = pipeline.process(List.of(new WorkItem(ref, true))).getFirst();
    assertThat(last.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(last.error()).containsInstanceOf(S3Exception.class);
    assertThat(store.tagsOf(ref)).contains(new ObjectTag("owner", "ann"));
    assertThat(tag(ref, TagSchema.STATUS)).isEqualTo("failed");
    assertThat(tag(ref, TagSchema.REASON)).isEqualTo(PipelineFailure.S3_THROTTLED.code());
    assertThat(tag(ref, TagSchema.ETAG)).isEqualTo(ref.eTag().orElseThrow());
  }

  @Test
  void eachKindOfTroubleHasItsOwnReason() {
    ObjectRef internal = store.put(BUCKET, "internal.png", PHOTO);
    ObjectRef denied = store.put(BUCKET, "denied.png", TestImages.png(Color.BLUE));
    store.failReads(s3Error(500, "InternalError"));
    pipeline.process(List.of(new WorkItem(internal, true)));
    store.failReads(s3Error(403, "InvalidObjectState"));
    pipeline.process(List.of(new WorkItem(denied, true)));

    assertThat(tag(internal, TagSchema.REASON)).isEqualTo("s3-unavailable");
    assertThat(tag(denied, TagSchema.REASON)).isEqualTo("s3-refused");
  }

  @Test
  void aReviewThatCannotBeQueuedOnTheLastDeliveryIsTaggedFailed() {
    classifier.defaultAnswer(new Label("cat", 0.2));
    ObjectRef ref = store.put(BUCKET, "no-queue.png", PHOTO);
    reviews.refuse(message -> true);

    ObjectResult last = pipeline.process(List.of(new WorkItem(ref, true))).getFirst();

    assertThat(last.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(tag(ref, TagSchema.STATUS)).isEqualTo("failed");
    assertThat(tag(ref, TagSchema.REASON)).isEqualTo("review-queue-unavailable");
  }

  @Test
  void anUnexpectedErrorOnTheLastDeliveryIsTaggedAsAnInternalError() {
    ObjectRef ref = store.put(BUCKET, "bug.png", PHOTO);
    store.failReads(new IllegalStateException("a bug"));

    pipeline.process(List.of(new WorkItem(ref, true)));

    assertThat(tag(ref, TagSchema.STATUS)).isEqualTo("failed");
    assertThat(tag(ref, TagSchema.REASON)).isEqualTo("internal-error");
  }

  @Test
  void tagsThatCannotBeReadAreNeverOverwrittenEvenOnTheLastDelivery() {
    // Without the user's tags there is nothing safe to merge into: no write at all.
    ObjectRef ref = store.put(BUCKET, "no-tags.png", PHOTO, new ObjectTag("owner", "ann"));
    store.failTagReads(s3Error(503, "SlowDown"));

    ObjectResult last = pipeline.process(List.of(new WorkItem(ref, true))).getFirst();

    assertThat(last.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(store.tagsOf(ref)).containsExactly(new ObjectTag("owner", "ann"));
    assertThat(store.tagWrites()).isZero();
  }
}
