package io.autotag.shared.pipeline;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.review.ReviewQueue;
import io.autotag.shared.tagging.ObjectTag;
import io.autotag.shared.tagging.TagMerge;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.tagging.TagStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Tags a batch of objects. For each object: read its tags and skip it if autotag already settled
 * this content; check size and magic bytes; classify; merge tags. Then all review messages of the
 * batch go out together, and finally the tag sets are written, one {@code PutObjectTagging} each.
 *
 * <p>Review messages are sent before tags are written so that a failure in between makes the object
 * retry (its tags do not say {@code review} yet) rather than be marked for review with no message.
 *
 * <p>Objects are processed concurrently on a fixed pool built once; the pipeline is thread-safe.
 */
public final class TaggingPipeline implements AutoCloseable {

  static final String LOW_CONFIDENCE = "low-confidence";
  static final String NO_LABELS = "no-labels";
  static final String NO_TAG_SLOTS = "no-tag-slots";
  private static final int MAX_REVIEW_PREDICTIONS = 5;
  private static final Logger log = LoggerFactory.getLogger(TaggingPipeline.class);

  private final S3Objects objects;
  private final Classifier classifier;
  private final TagSchema schema;
  private final ReviewQueue reviews;
  private final PipelineSettings settings;
  private final Clock clock;
  private final ExecutorService workers;

  public TaggingPipeline(
      S3Objects objects,
      Classifier classifier,
      TagSchema schema,
      ReviewQueue reviews,
      PipelineSettings settings,
      Clock clock) {
    this.objects = objects;
    this.classifier = classifier;
    this.schema = schema;
    this.reviews = reviews;
    this.settings = settings;
    this.clock = clock;
    this.workers =
        Executors.newFixedThreadPool(
            settings.concurrency(), Thread.ofPlatform().daemon().name("autotag-", 0).factory());
  }

  /** Processes every item; the results are in the same order as the items. */
  public List<ObjectResult> process(List<WorkItem> items) {
    List<Step> steps = runAll(items, this::plan);
    sendReviews(steps);
    return runAll(steps, this::finish);
  }

  /** What phase one decided for an object: a final result, or tags to write and maybe a review. */
  private record Step(
      WorkItem item,
      Optional<ObjectResult> result,
      TagMerge merge,
      Outcome outcome,
      String detail,
      Optional<ReviewMessage> review) {

    static Step done(WorkItem item, ObjectResult result) {
      return new Step(
          item, Optional.of(result), null, result.outcome(), result.detail(), Optional.empty());
    }

    Step failed(ObjectResult result) {
      return done(item, result);
    }
  }

  private Step plan(WorkItem item) {
    ObjectRef ref = item.ref();
    List<ObjectTag> existing;
    try {
      existing = objects.tags(ref);
    } catch (ObjectGoneException e) {
      return Step.done(item, ObjectResult.of(ref, Outcome.GONE, FailureReason.GONE.code()));
    } catch (RuntimeException e) {
      return Step.done(item, ObjectResult.retry(ref, errorName(e), e));
    }
    if (alreadySettled(ref, existing)) {
      return Step.done(item, ObjectResult.of(ref, Outcome.DUPLICATE, "already-tagged"));
    }
    // What is known of the content: the trigger's eTag until the object is read, then the read
    // one (a Batch Operations task or a listing without eTags names none).
    ObjectRef known = ref;
    try {
      Fetched fetched = fetch(ref);
      known = fetched.ref();
      // A late event for content that was overwritten and already tagged by its own event.
      if (!fetched.ref().eTag().equals(ref.eTag()) && alreadySettled(fetched.ref(), existing)) {
        return Step.done(item, ObjectResult.of(ref, Outcome.DUPLICATE, "already-tagged"));
      }
      return classified(item, existing, fetched, classifier.classify(fetched.input()));
    } catch (ObjectGoneException e) {
      return Step.done(item, ObjectResult.of(ref, Outcome.GONE, FailureReason.GONE.code()));
    } catch (ProblemAfterRead e) {
      return problem(item, existing, e.read, e.problem);
    } catch (ClassificationException e) {
      return problem(item, existing, known, e);
    } catch (RuntimeException e) {
      // S3 trouble the SDK could not retry away, or a provider bug: let the trigger retry, and
      // the dead-letter queue keep it if that keeps failing.
      return Step.done(item, ObjectResult.retry(ref, errorName(e), e));
    }
  }

  /** A permanent problem is tagged with its reason (a retryable one, on the last attempt). */
  private Step problem(
      WorkItem item, List<ObjectTag> existing, ObjectRef known, ClassificationException e) {
    if (e.retryable() && !item.lastAttempt()) {
      return Step.done(item, ObjectResult.retry(item.ref(), e.reason().code(), e));
    }
    TagStatus status = e.retryable() ? TagStatus.FAILED : TagStatus.SKIPPED;
    Outcome outcome = e.retryable() ? Outcome.RETRY : Outcome.SKIPPED;
    List<ObjectTag> ours =
        schema.forProblem(status, e.reason(), known.eTag(), Optional.of(classifier.name()));
    return new Step(
        item,
        Optional.empty(),
        TagMerge.of(existing, ours, schema),
        outcome,
        e.reason().code(),
        Optional.empty());
  }

  /** A problem found once the object was read, with the eTag and size of what was read. */
  private static final class ProblemAfterRead extends Exception {
    private final ObjectRef read;
    private final ClassificationException problem;

    ProblemAfterRead(ObjectRef read, ClassificationException problem) {
      super(problem.getMessage(), problem, false, false);
      this.read = read;
      this.problem = problem;
    }
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

  /**
   * What the provider will be given, and what was learnt about the object while fetching it: the
   * eTag and size of the content actually read, and its format.
   */
  private record Fetched(ImageInput input, ObjectRef ref, ImageFormat format) {}

  private Fetched fetch(ObjectRef ref)
      throws ObjectGoneException, ClassificationException, ProblemAfterRead {
    long size = ref.size().orElse(-1L);
    if (size == 0) {
      throw new ClassificationException(FailureReason.EMPTY, "the object is empty");
    }
    ProviderCapabilities capabilities = classifier.capabilities();
    long limit = Math.min(settings.maxObjectBytes(), capabilities.maxObjectBytes());
    if (size > limit) {
      throw new ClassificationException(
          FailureReason.TOO_LARGE, "the object is " + size + " bytes");
    }
    boolean byReference =
        capabilities.acceptsS3Reference() && size > 0 && size <= capabilities.maxReferenceBytes();
    boolean byUrl =
        !byReference
            && settings.presignedUrls()
            && capabilities.acceptsUrl()
            && size > 0
            && size <= capabilities.maxReferenceBytes();
    if (byReference || byUrl) {
      // The provider reads the object itself: only its magic bytes cross the wire here.
      S3Objects.Head head = objects.head(ref);
      ObjectRef read = ref.withETag(head.eTag());
      ImageFormat format =
          afterRead(read, () -> requireSupported(ImageFormat.sniff(head.bytes()), capabilities));
      ImageInput input =
          byReference
              ? new ImageInput.S3Object(
                  ref.bucket(), ref.key(), ref.versionId(), Optional.of(format), ref.size())
              : new ImageInput.Url(
                  objects.presignedUrl(ref, settings.presignedUrlValidity()),
                  Optional.of(format),
                  ref.size());
      return new Fetched(input, read, format);
    }
    S3Objects.Download download = objects.read(ref, Math.min(limit, capabilities.maxBytes()));
    ObjectRef read = ref.withETag(download.eTag()).withSize(download.size());
    ImageFormat format =
        afterRead(
            read,
            () -> {
              if (download.size() == 0) {
                throw new ClassificationException(FailureReason.EMPTY, "the object is empty");
              }
              ImageFormat sniffed = requireSupported(download.format(), capabilities);
              if (download.data().isEmpty()) {
                throw new ClassificationException(
                    FailureReason.TOO_LARGE, "the object is over " + limit + " bytes");
              }
              return sniffed;
            });
    return new Fetched(
        new ImageInput.Bytes(download.data().get(), Optional.of(format)), read, format);
  }

  /** A check made on what was read; its problem carries the read eTag. */
  private interface ReadCheck {
    ImageFormat check() throws ClassificationException;
  }

  private static ImageFormat afterRead(ObjectRef read, ReadCheck check) throws ProblemAfterRead {
    try {
      return check.check();
    } catch (ClassificationException e) {
      throw new ProblemAfterRead(read, e);
    }
  }

  private static ImageFormat requireSupported(
      Optional<ImageFormat> format, ProviderCapabilities capabilities)
      throws ClassificationException {
    if (format.isEmpty() || !capabilities.accepts(format.get())) {
      throw new ClassificationException(
          FailureReason.UNSUPPORTED_TYPE,
          format.map(f -> f.mediaType() + " is not supported").orElse("not an image"));
    }
    return format.get();
  }

  private Step classified(
      WorkItem item, List<ObjectTag> existing, Fetched fetched, Classification classification) {
    ObjectRef ref = fetched.ref();
    boolean confident =
        classification.top().isPresent()
            && classification.topConfidence() >= settings.reviewThreshold();
    TagStatus status = confident ? TagStatus.CLASSIFIED : TagStatus.REVIEW;
    TagMerge merge =
        TagMerge.of(existing, schema.forClassification(status, classification, ref.eTag()), schema);
    Optional<String> reviewReason =
        merge.noRoom()
            ? Optional.of(NO_TAG_SLOTS)
            : confident
                ? Optional.empty()
                : Optional.of(classification.top().isEmpty() ? NO_LABELS : LOW_CONFIDENCE);
    Outcome outcome = reviewReason.isPresent() ? Outcome.REVIEW : Outcome.CLASSIFIED;
    String detail =
        reviewReason.orElseGet(() -> classification.top().map(l -> l.name()).orElse(""));
    return new Step(
        item,
        Optional.empty(),
        merge,
        outcome,
        detail,
        reviewReason.map(reason -> reviewMessage(ref, fetched.format(), classification, reason)));
  }

  private ReviewMessage reviewMessage(
      ObjectRef ref, ImageFormat format, Classification c, String reason) {
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
        settings.reviewThreshold(),
        reason,
        clock.instant().toString());
  }

  private void sendReviews(List<Step> steps) {
    List<Integer> indexes = new ArrayList<>();
    List<ReviewMessage> messages = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).review().isPresent()) {
        indexes.add(i);
        messages.add(steps.get(i).review().get());
      }
    }
    if (messages.isEmpty()) {
      return;
    }
    Map<Integer, String> failed = reviews.sendAll(messages);
    failed.forEach(
        (messageIndex, why) -> {
          int stepIndex = indexes.get(messageIndex);
          Step step = steps.get(stepIndex);
          steps.set(
              stepIndex,
              step.failed(
                  ObjectResult.retry(
                      step.item().ref(), "review-queue", new IllegalStateException(why))));
        });
  }

  private ObjectResult finish(Step step) {
    ObjectRef ref = step.item().ref();
    ObjectResult result =
        step.result()
            .orElseGet(
                () -> {
                  if (step.merge().kept().isEmpty()) {
                    return ObjectResult.of(ref, step.outcome(), step.detail());
                  }
                  if (step.review().isPresent() && judgedMeanwhile(ref, step.review().get())) {
                    return ObjectResult.of(ref, Outcome.DUPLICATE, "already-reviewed");
                  }
                  try {
                    objects.writeTags(ref, step.merge().tags());
                    return step.outcome() == Outcome.RETRY
                        ? ObjectResult.retry(
                            ref, step.detail(), new IllegalStateException(step.detail()))
                        : ObjectResult.of(ref, step.outcome(), step.detail());
                  } catch (ObjectGoneException e) {
                    return ObjectResult.of(ref, Outcome.GONE, FailureReason.GONE.code());
                  } catch (RuntimeException e) {
                    return ObjectResult.retry(ref, errorName(e), e);
                  }
                });
    logResult(result);
    return result;
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

  private static void logResult(ObjectResult result) {
    var event =
        (result.outcome() == Outcome.RETRY ? log.atWarn() : log.atInfo())
            .addKeyValue("bucket", result.ref().bucket())
            .addKeyValue("key", result.ref().key());
    result.ref().versionId().ifPresent(version -> event.addKeyValue("versionId", version));
    event
        .addKeyValue("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT))
        .addKeyValue("detail", result.detail())
        .log("object processed");
  }

  private static String errorName(Throwable e) {
    return e.getClass().getSimpleName();
  }

  private <T, R> List<R> runAll(List<T> inputs, Function<T, R> work) {
    if (inputs.size() == 1) {
      return new ArrayList<>(List.of(work.apply(inputs.getFirst())));
    }
    // Worker threads log with the caller's context (request id).
    Map<String, String> logContext = MDC.getCopyOfContextMap();
    List<Future<R>> futures = new ArrayList<>(inputs.size());
    for (T input : inputs) {
      futures.add(
          workers.submit(
              () -> {
                if (logContext != null) {
                  MDC.setContextMap(logContext);
                }
                try {
                  return work.apply(input);
                } finally {
                  MDC.clear();
                }
              }));
    }
    List<R> results = new ArrayList<>(inputs.size());
    for (Future<R> future : futures) {
      try {
        results.add(future.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while processing objects", e);
      } catch (ExecutionException e) {
        // plan() and finish() catch everything they expect; anything else is a bug.
        throw new IllegalStateException("unexpected failure in the pipeline", e.getCause());
      }
    }
    return results;
  }

  /** Stops the workers, waiting for objects in flight so they do not use clients closed next. */
  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
