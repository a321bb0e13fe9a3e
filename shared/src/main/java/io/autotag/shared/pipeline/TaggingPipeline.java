package io.autotag.shared.pipeline;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.review.ReviewQueue;
import io.autotag.shared.tagging.ObjectTag;
import io.autotag.shared.tagging.TagMerge;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.tagging.TagStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tags a batch of objects. For each object: read its tags and skip it if autotag already settled
 * this content; check size and magic bytes ({@link ClassifierInputs}); classify; merge tags. Then
 * all review messages of the batch go out together, and finally the tag sets are written, one
 * {@code PutObjectTagging} each.
 *
 * <p>Review messages are sent before tags are written so that a failure in between makes the object
 * retry (its tags do not say {@code review} yet) rather than be marked for review with no message.
 * Once a message is out, its tag write is retried in place ({@link TagWriter}) and the process
 * remembers the object version as queued ({@link QueuedReviews}), so neither a failed write nor its
 * redelivery queues a second message; only a crash in between can, and the review function drops
 * that copy.
 *
 * <p>A retryable failure is retried by the trigger; on its last delivery the object is tagged
 * {@code failed} with the reason (the provider's, or a {@link PipelineFailure}) wherever its tags
 * could be read, so they can be merged with the user's, and written.
 *
 * <p>Objects are processed concurrently on a fixed pool built once; the pipeline is thread-safe.
 */
public final class TaggingPipeline implements AutoCloseable {

  static final String LOW_CONFIDENCE = "low-confidence";
  static final String NO_LABELS = "no-labels";
  static final String NO_TAG_SLOTS = "no-tag-slots";
  private static final int MAX_REVIEW_PREDICTIONS = 5;
  private static final Logger log = LoggerFactory.getLogger(TaggingPipeline.class);

  private final ObjectStore objects;
  private final Classifier classifier;
  private final TagSchema schema;
  private final ReviewQueue reviews;
  private final PipelineSettings settings;
  private final Clock clock;
  private final ClassifierInputs inputs;
  private final ParallelRunner workers;
  private final TagWriter tagWriter;
  private final QueuedReviews queued = new QueuedReviews(QueuedReviews.DEFAULT_CAPACITY);
  private volatile double reviewThreshold;
  private final Metrics metrics;

  /** A pipeline that records no metrics. */
  public TaggingPipeline(
      ObjectStore objects,
      Classifier classifier,
      TagSchema schema,
      ReviewQueue reviews,
      PipelineSettings settings,
      Clock clock) {
    this(objects, classifier, schema, reviews, settings, clock, Metrics.off());
  }

  /** A pipeline that counts every object's outcome and the review messages it sends. */
  public TaggingPipeline(
      ObjectStore objects,
      Classifier classifier,
      TagSchema schema,
      ReviewQueue reviews,
      PipelineSettings settings,
      Clock clock,
      Metrics metrics) {
    this.metrics = metrics;
    this.objects = objects;
    this.classifier = classifier;
    this.schema = schema;
    this.reviews = reviews;
    this.settings = settings;
    this.clock = clock;
    this.inputs = new ClassifierInputs(objects, settings);
    this.workers = new ParallelRunner(settings.concurrency());
    this.tagWriter = new TagWriter(objects);
    this.reviewThreshold = settings.reviewThreshold();
  }

  /** The review threshold objects are decided with from now on. */
  public double reviewThreshold() {
    return reviewThreshold;
  }

  /**
   * Changes the review threshold for objects decided from now on. In Lambda it stays what {@code
   * AUTOTAG_REVIEW_THRESHOLD} said at start-up; the local stack lets a user change it while it runs
   * ({@code serve}'s {@code /local/review-threshold}), to see the review flow without a restart.
   */
  public void reviewThreshold(double threshold) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("the review threshold must be between 0 and 1");
    }
    this.reviewThreshold = threshold;
  }

  /** Processes every item without a deadline; the results are in the same order as the items. */
  public List<ObjectResult> process(List<WorkItem> items) {
    return process(items, Deadline.none());
  }

  /**
   * Processes every item; the results are in the same order as the items. Tag writes that must not
   * be left to a redelivery are retried in place while {@code deadline} leaves room.
   */
  public List<ObjectResult> process(List<WorkItem> items, Deadline deadline) {
    List<Decision> decisions = workers.map(items, this::decide);
    return workers.map(queueReviews(decisions), decision -> finish(decision, deadline));
  }

  /** What reading and classifying decided for one object. */
  private sealed interface Decision {}

  /** Nothing to write: the result is final. */
  private record Done(ObjectResult result) implements Decision {}

  /**
   * Tags to write; the object then ends with {@code outcome}, and for {@link Outcome#RETRY} with
   * {@code error} (else null).
   */
  private record Write(
      WorkItem item, TagMerge merge, Outcome outcome, String detail, Throwable error)
      implements Decision {

    Write(WorkItem item, TagMerge merge, Outcome outcome, String detail) {
      this(item, merge, outcome, detail, null);
    }
  }

  /**
   * A review message to queue, then tags to write: the object ends in review. {@code existing} are
   * the tags it had, for a {@code failed} tag set instead when the message cannot be queued.
   */
  private record Review(Write write, ReviewMessage message, List<ObjectTag> existing)
      implements Decision {}

  private Decision decide(WorkItem item) {
    ObjectRef ref = item.ref();
    List<ObjectTag> existing;
    try {
      existing = objects.tags(ref);
    } catch (ObjectGoneException e) {
      return gone(item);
    } catch (RuntimeException e) {
      return new Done(ObjectResult.retry(item, errorName(e), e));
    }
    if (alreadySettled(ref, existing)) {
      return new Done(ObjectResult.of(item, Outcome.DUPLICATE, "already-tagged"));
    }
    try {
      return switch (inputs.prepare(ref, classifier.capabilities())) {
        case ClassifierInputs.Refused refused ->
            problem(item, existing, refused.known(), refused.problem());
        case ClassifierInputs.Ready ready -> {
          // A late event for content that was overwritten and already tagged by its own event.
          if (!ready.known().eTag().equals(ref.eTag()) && alreadySettled(ready.known(), existing)) {
            yield new Done(ObjectResult.of(item, Outcome.DUPLICATE, "already-tagged"));
          }
          yield classify(item, existing, ready);
        }
      };
    } catch (ObjectGoneException e) {
      return gone(item);
    } catch (RuntimeException e) {
      // S3 trouble the SDK could not retry away, or a provider bug: let the trigger retry, and
      // the dead-letter queue keep it if that keeps failing.
      return unfinished(item, existing, ref, PipelineFailure.of(e), e);
    }
  }

  /**
   * A retryable failure outside the provider: retried, and on the trigger's last delivery tagged
   * {@code failed} with {@code why} (the tags were read, so the user's are kept).
   */
  private Decision unfinished(
      WorkItem item,
      List<ObjectTag> existing,
      ObjectRef known,
      PipelineFailure why,
      Throwable error) {
    if (!item.lastAttempt()) {
      String detail =
          why == PipelineFailure.REVIEW_QUEUE_UNAVAILABLE ? "review-queue" : errorName(error);
      return new Done(ObjectResult.retry(item, detail, error));
    }
    List<ObjectTag> ours =
        schema.forProblem(
            TagStatus.FAILED, why.code(), known.eTag().orElse(null), classifier.name());
    return new Write(item, TagMerge.of(existing, ours, schema), Outcome.RETRY, why.code(), error);
  }

  private Decision classify(WorkItem item, List<ObjectTag> existing, ClassifierInputs.Ready ready) {
    Classification classification;
    long start = System.nanoTime();
    try {
      classification = classifier.classify(ready.input());
    } catch (ClassificationException e) {
      logClassification(ready.known(), classifier.name(), start, null, e.reason().code());
      return problem(item, existing, ready.known(), e);
    }
    ObjectRef read = ready.known();
    logClassification(
        read, classification.provider(), start, classification.top().orElse(null), null);
    double threshold = reviewThreshold;
    boolean confident =
        classification.top().isPresent() && classification.topConfidence() >= threshold;
    TagStatus status = confident ? TagStatus.CLASSIFIED : TagStatus.REVIEW;
    TagMerge merge =
        TagMerge.of(
            existing,
            schema.forClassification(status, classification, read.eTag().orElse(null)),
            schema);
    String reviewReason =
        merge.noRoom()
            ? NO_TAG_SLOTS
            : confident ? null : classification.top().isEmpty() ? NO_LABELS : LOW_CONFIDENCE;
    if (reviewReason == null) {
      String label = classification.top().map(l -> l.name()).orElse("");
      return new Write(item, merge, Outcome.CLASSIFIED, label);
    }
    return new Review(
        new Write(item, merge, Outcome.REVIEW, reviewReason),
        reviewMessage(read, ready.format(), classification, reviewReason, threshold),
        existing);
  }

  private static Done gone(WorkItem item) {
    return new Done(ObjectResult.of(item, Outcome.GONE, FailureReason.GONE.code()));
  }

  /**
   * A permanent problem is tagged with its reason; a retryable one is retried, and tagged {@code
   * failed} on the trigger's last attempt. {@code known} is the object as read, when it was.
   */
  private Decision problem(
      WorkItem item, List<ObjectTag> existing, ObjectRef known, ClassificationException e) {
    if (e.retryable() && !item.lastAttempt()) {
      return new Done(ObjectResult.retry(item, e.reason().code(), e));
    }
    TagStatus status = e.retryable() ? TagStatus.FAILED : TagStatus.SKIPPED;
    Outcome outcome = e.retryable() ? Outcome.RETRY : Outcome.SKIPPED;
    List<ObjectTag> ours =
        schema.forProblem(status, e.reason(), known.eTag().orElse(null), classifier.name());
    return new Write(
        item,
        TagMerge.of(existing, ours, schema),
        outcome,
        e.reason().code(),
        e.retryable() ? e : null);
  }

  private boolean alreadySettled(ObjectRef ref, List<ObjectTag> existing) {
    boolean settled = schema.status(existing).map(TagStatus::settled).orElse(false);
    if (!settled) {
      return false;
    }
    Optional<String> taggedETag = schema.eTag(existing);
    // Without an eTag on either side (few free tag slots), the status alone decides.
    return taggedETag.isEmpty() || ref.eTag().isEmpty() || taggedETag.equals(ref.eTag());
  }

  private ReviewMessage reviewMessage(
      ObjectRef ref, ImageFormat format, Classification c, String reason, double threshold) {
    return new ReviewMessage(
        ReviewMessage.SCHEMA,
        ref.bucket(),
        ref.key(),
        ref.versionId().orElse(null),
        ref.eTag().orElse(null),
        ref.size().orElse(null),
        format.mediaType(),
        c.provider(),
        c.modelId(),
        c.labels().stream()
            .limit(MAX_REVIEW_PREDICTIONS)
            .map(l -> new ReviewMessage.Prediction(l.name(), l.confidence()))
            .toList(),
        threshold,
        reason,
        clock.instant().toString());
  }

  /**
   * Sends the batch's review messages in one go, except those this process already queued (an
   * earlier delivery whose tag write failed) and second copies within the batch. An object whose
   * message could not be sent is retried instead of tagged {@code review}, and on its last delivery
   * tagged {@code failed}.
   */
  private List<Decision> queueReviews(List<Decision> decisions) {
    List<Review> pending =
        decisions.stream().filter(Review.class::isInstance).map(Review.class::cast).toList();
    if (pending.isEmpty()) {
      return decisions;
    }
    Map<String, Review> toSend = new LinkedHashMap<>();
    for (Review review : pending) {
      String identity = review.message().identity();
      if (queued.contains(identity)) {
        logAlreadyQueued(review.message());
      } else {
        toSend.putIfAbsent(identity, review);
      }
    }
    List<Review> sending = List.copyOf(toSend.values());
    Map<String, String> unsent = new HashMap<>();
    Map<Integer, String> failed =
        sending.isEmpty()
            ? Map.of()
            : reviews.sendAll(sending.stream().map(Review::message).toList());
    for (int i = 0; i < sending.size(); i++) {
      String identity = sending.get(i).message().identity();
      if (failed.containsKey(i)) {
        unsent.put(identity, failed.get(i));
      } else {
        queued.add(identity);
      }
    }
    metrics.reviewMessages(sending.size() - failed.size());
    return decisions.stream()
        .map(
            decision ->
                decision instanceof Review review && unsent.containsKey(review.message().identity())
                    ? unsent(review, unsent.get(review.message().identity()))
                    : decision)
        .toList();
  }

  private Decision unsent(Review review, String why) {
    Write write = review.write();
    return unfinished(
        write.item(),
        review.existing(),
        write.item().ref(),
        PipelineFailure.REVIEW_QUEUE_UNAVAILABLE,
        new ReviewNotQueuedException(why));
  }

  private static void logAlreadyQueued(ReviewMessage message) {
    var event =
        log.atInfo().addKeyValue("bucket", message.bucket()).addKeyValue("key", message.key());
    if (message.versionId() != null) {
      event.addKeyValue("versionId", message.versionId());
    }
    event.log("review message already queued by this process; not queued again");
  }

  /** A review message SQS did not take; the detail is SQS's error code, never the message. */
  static final class ReviewNotQueuedException extends RuntimeException {
    ReviewNotQueuedException(String why) {
      super("review message not queued: " + why);
    }
  }

  private ObjectResult finish(Decision decision, Deadline deadline) {
    ObjectResult result =
        switch (decision) {
          case Done done -> done.result();
          // The last delivery's tags say why the object ends in the dead-letter queue: worth a
          // retry in place.
          case Write write -> write(write, write.item().lastAttempt(), deadline);
          // The review message is out: a redelivery would classify and queue again.
          case Review review -> writeUnlessJudged(review, deadline);
        };
    logResult(result);
    metrics.object(outcomeName(result.outcome()), reason(result));
    return result;
  }

  private ObjectResult writeUnlessJudged(Review review, Deadline deadline) {
    Write write = review.write();
    if (!write.merge().kept().isEmpty() && judgedMeanwhile(write.item().ref(), review.message())) {
      return ObjectResult.of(write.item(), Outcome.DUPLICATE, "already-reviewed");
    }
    return write(write, true, deadline);
  }

  /**
   * Whether a person's verdict reached the object since its tags were read. Its review message went
   * out before this write, so a quick reviewer can judge it in between; writing {@code review} now
   * would replace the verdict. One more tag read, for review items only, keeps that window to the
   * gap between this read and the write (S3 has no conditional tag write).
   */
  private boolean judgedMeanwhile(ObjectRef ref, ReviewMessage review) {
    List<ObjectTag> current;
    try {
      current = objects.tags(ref);
    } catch (ObjectGoneException | RuntimeException e) {
      return false; // the write that follows meets the same problem and reports it
    }
    boolean byPerson = schema.status(current).map(TagStatus::byPerson).orElse(false);
    Optional<String> tagged = schema.eTag(current);
    return byPerson
        && (tagged.isEmpty() || review.eTag() == null || tagged.get().equals(review.eTag()));
  }

  private ObjectResult write(Write write, boolean persistent, Deadline deadline) {
    WorkItem item = write.item();
    if (write.merge().kept().isEmpty()) {
      return result(write);
    }
    try {
      tagWriter.write(item.ref(), write.merge().tags(), persistent, deadline);
      return result(write);
    } catch (ObjectGoneException e) {
      return ObjectResult.of(item, Outcome.GONE, FailureReason.GONE.code());
    } catch (RuntimeException e) {
      return ObjectResult.retry(item, errorName(e), e);
    }
  }

  private static ObjectResult result(Write write) {
    if (write.outcome() != Outcome.RETRY) {
      return ObjectResult.of(write.item(), write.outcome(), write.detail());
    }
    Throwable error =
        write.error() != null ? write.error() : new IllegalStateException(write.detail());
    return ObjectResult.retry(write.item(), write.detail(), error);
  }

  /**
   * One line per object: where it is, its outcome, and its label (classified) or the reason code
   * (every other outcome). Logs Insights reads the fields (README, "Logs").
   */
  private static void logResult(ObjectResult result) {
    var event =
        (result.outcome() == Outcome.RETRY ? log.atWarn() : log.atInfo())
            .addKeyValue("bucket", result.ref().bucket())
            .addKeyValue("key", result.ref().key());
    result.ref().versionId().ifPresent(version -> event.addKeyValue("versionId", version));
    event
        .addKeyValue("outcome", outcomeName(result.outcome()))
        .addKeyValue(result.outcome() == Outcome.CLASSIFIED ? "label" : "reason", result.detail())
        .log("object processed");
  }

  /**
   * One line per classifier call: the object, the provider that answered (or was asked, on a
   * failure), the call's milliseconds, and the top label and confidence or the failure's reason.
   */
  private static void logClassification(
      ObjectRef ref, String provider, long startNanos, Label top, String reason) {
    var event = log.atInfo().addKeyValue("bucket", ref.bucket()).addKeyValue("key", ref.key());
    ref.versionId().ifPresent(version -> event.addKeyValue("versionId", version));
    event
        .addKeyValue("provider", provider)
        .addKeyValue("ms", (System.nanoTime() - startNanos) / 1_000_000);
    if (top != null) {
      event.addKeyValue("label", top.name()).addKeyValue("confidence", top.confidence());
    }
    if (reason != null) {
      event.addKeyValue("reason", reason);
    }
    event.log("classification");
  }

  /**
   * The outcome as logs and metrics name it: {@code failed} for a retry (the attempt failed; the
   * trigger delivers it again, and on its last delivery it is tagged {@code failed}).
   */
  static String outcomeName(Outcome outcome) {
    return outcome == Outcome.RETRY ? "failed" : outcome.name().toLowerCase(Locale.ROOT);
  }

  /** The result's reason code; none for a classified object, whose detail is its label. */
  private static String reason(ObjectResult result) {
    return result.outcome() == Outcome.CLASSIFIED ? null : result.detail();
  }

  private static String errorName(Throwable e) {
    return e.getClass().getSimpleName();
  }

  /** Stops the workers, waiting for objects in flight so they do not use clients closed next. */
  @Override
  public void close() {
    workers.close();
  }
}
