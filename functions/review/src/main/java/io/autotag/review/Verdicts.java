package io.autotag.review;

import io.autotag.shared.pipeline.ObjectGoneException;
import io.autotag.shared.review.Feedback;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.secrets.SecretException;
import io.autotag.shared.tagging.ObjectTag;
import io.autotag.shared.tagging.TagMerge;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.tagging.TagText;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a reviewer's verdict. In order: check the token (signed by us, claimed by this reviewer);
 * read what the object is now; if it is gone or holds other content, drop the item and say so
 * ({@code gone} / {@code stale}), never tagging the wrong content; if another person already judged
 * this content, drop it ({@code already-reviewed}); otherwise write the feedback object and the
 * merged tag set (user tags untouched, the schema's priority order within S3's 10 tags) at once,
 * and only when both are stored delete the message. A failed write leaves the message to come back,
 * so no verdict is lost; the same verdict sent again (a retry after a lost answer) writes the same
 * tags and the same feedback object again, which is harmless.
 */
final class Verdicts {

  static final int MAX_LABELS = 10;
  static final int MAX_LABEL_LENGTH = 64;
  static final int MAX_NOTE_LENGTH = 1000;

  private static final Logger log = LoggerFactory.getLogger(Verdicts.class);

  /** What the reviewer decided: labels, best first, or none of them; and an optional note. */
  record Decision(List<String> labels, boolean none, String note) {}

  /** What became of a verdict. */
  record Result(
      String result, List<ObjectTag> tags, boolean tagged, String feedbackKey, boolean deleted) {}

  private final ReviewInbox inbox;
  private final ReviewObjects objects;
  private final ItemTokens tokens;
  private final FeedbackStore feedback;
  private final TagSchema schema;
  private final Set<String> vocabulary;
  private final Clock clock;
  private final Executor executor;
  private final Claims claims;

  Verdicts(
      ReviewInbox inbox,
      ReviewObjects objects,
      ItemTokens tokens,
      FeedbackStore feedback,
      TagSchema schema,
      List<String> vocabulary,
      Clock clock,
      Executor executor,
      Claims claims) {
    this.inbox = inbox;
    this.objects = objects;
    this.tokens = tokens;
    this.feedback = feedback;
    this.schema = schema;
    this.vocabulary = Set.copyOf(vocabulary);
    this.clock = clock;
    this.executor = executor;
    this.claims = claims;
  }

  Result submit(Reviewer reviewer, String token, Decision decision) throws SecretException {
    List<String> labels = validate(decision);
    ItemToken item = owned(reviewer, token);
    ReviewMessage message = item.message();
    ReviewObjects.State state = objects.inspect(message);
    List<ObjectTag> existing =
        switch (state) {
          case ReviewObjects.Gone gone -> {
            inbox.delete(item.receiptHandle());
            throw new ReviewException(410, "gone", "the photo was deleted since it was queued");
          }
          case ReviewObjects.Changed changed -> {
            inbox.delete(item.receiptHandle());
            throw new ReviewException(
                409, "stale", "the photo was replaced since it was queued; the new one is queued");
          }
          case ReviewObjects.Current current -> current.tags();
        };
    if (claims.judged(existing, message)
        && !schema.find(existing, TagSchema.REVIEWER).orElse("").equals(reviewer.id())) {
      inbox.delete(item.receiptHandle());
      throw new ReviewException(
          409, "already-reviewed", "another reviewer already judged this photo");
    }
    Instant now = clock.instant();
    TagMerge merge =
        TagMerge.of(
            existing, schema.forVerdict(labels, message.eTag(), reviewer.id(), now), schema);
    Feedback record =
        Feedback.of(message, labels, decision.note(), reviewer.id(), item.claimedAt(), now);
    CompletableFuture<String> stored =
        CompletableFuture.supplyAsync(() -> feedback.write(record), executor);
    CompletableFuture<Boolean> tagged =
        CompletableFuture.supplyAsync(() -> writeTags(message, merge), executor);
    String feedbackKey;
    boolean wroteTags;
    try {
      feedbackKey = stored.join();
      wroteTags = tagged.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof GoneDuringWrite) {
        inbox.delete(item.receiptHandle());
        throw new ReviewException(410, "gone", "the photo was deleted since it was queued");
      }
      log.atWarn()
          .addKeyValue("bucket", message.bucket())
          .addKeyValue("key", message.key())
          .addKeyValue("error", e.getCause().getClass().getSimpleName())
          .log("verdict not saved; the item comes back when its lease ends");
      throw new ReviewException(
          503, "not-saved", "the verdict could not be saved; try again (nothing was lost)");
    }
    boolean deleted = inbox.delete(item.receiptHandle());
    rememberNewLabels(labels);
    log.atInfo()
        .addKeyValue("bucket", message.bucket())
        .addKeyValue("key", message.key())
        .addKeyValue("reviewer", reviewer.id())
        .addKeyValue("labels", String.join("/", labels))
        .addKeyValue("tagged", wroteTags)
        .log("verdict recorded");
    return new Result("recorded", merge.kept(), wroteTags, feedbackKey, deleted);
  }

  /** Releases the item now or after {@code delaySeconds}, so someone (or this reviewer) gets it. */
  void release(Reviewer reviewer, String token, int delaySeconds) throws SecretException {
    if (delaySeconds < 0 || delaySeconds > 900) {
      throw ReviewException.badRequest("delaySeconds must be between 0 and 900");
    }
    inbox.changeVisibility(owned(reviewer, token).receiptHandle(), delaySeconds);
  }

  /** Extends the lease to {@code seconds} from now. */
  void extend(Reviewer reviewer, String token, int seconds) throws SecretException {
    if (seconds < 1 || seconds > ReviewConfig.MAX_LEASE_SECONDS) {
      throw ReviewException.badRequest(
          "seconds must be between 1 and " + ReviewConfig.MAX_LEASE_SECONDS);
    }
    inbox.changeVisibility(owned(reviewer, token).receiptHandle(), seconds);
  }

  private ItemToken owned(Reviewer reviewer, String token) throws SecretException {
    ItemToken item = tokens.verify(token);
    if (!item.reviewer().equals(reviewer.id())) {
      throw ReviewException.notYourItem();
    }
    return item;
  }

  private boolean writeTags(ReviewMessage message, TagMerge merge) {
    if (merge.kept().isEmpty()) {
      return false; // ten user tags: the verdict lives in the feedback only
    }
    try {
      objects.writeTags(message, merge.tags());
      return true;
    } catch (ObjectGoneException e) {
      throw new GoneDuringWrite();
    }
  }

  private void rememberNewLabels(List<String> labels) {
    List<String> fresh = labels.stream().filter(l -> !vocabulary.contains(l)).toList();
    if (fresh.isEmpty()) {
      return;
    }
    try {
      feedback.remember(fresh);
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("error", e.getClass().getSimpleName())
          .log("new labels not remembered");
    }
  }

  /** The labels as they will be stored, or a 400 that says what is wrong. */
  static List<String> validate(Decision decision) {
    List<String> raw = decision.labels() == null ? List.of() : decision.labels();
    if (decision.none() && !raw.isEmpty()) {
      throw ReviewException.badRequest("give labels or none, not both");
    }
    if (!decision.none() && raw.isEmpty()) {
      throw ReviewException.badRequest("give at least one label, or none");
    }
    if (raw.size() > MAX_LABELS) {
      throw ReviewException.badRequest("at most " + MAX_LABELS + " labels");
    }
    if (decision.note() != null && decision.note().length() > MAX_NOTE_LENGTH) {
      throw ReviewException.badRequest("the note is longer than " + MAX_NOTE_LENGTH);
    }
    Set<String> labels = new LinkedHashSet<>();
    for (String label : raw) {
      if (label == null || label.length() > MAX_LABEL_LENGTH) {
        throw ReviewException.badRequest("a label is 1 to " + MAX_LABEL_LENGTH + " characters");
      }
      String clean = TagSchema.labelName(label);
      if (clean.isEmpty() || !TagText.isValid(clean, MAX_LABEL_LENGTH)) {
        throw ReviewException.badRequest("a label is 1 to " + MAX_LABEL_LENGTH + " characters");
      }
      labels.add(clean);
    }
    return new ArrayList<>(labels);
  }

  /** The object was deleted between the check and the tag write. */
  private static final class GoneDuringWrite extends RuntimeException {
    GoneDuringWrite() {
      super(null, null, false, false);
    }
  }
}
