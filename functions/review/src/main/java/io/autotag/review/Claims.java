package io.autotag.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.secrets.SecretException;
import io.autotag.shared.tagging.ObjectTag;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.tagging.TagStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the next items to a reviewer. Each received message is checked before anyone sees it:
 *
 * <ul>
 *   <li>a second copy of an object version in the same claim (at-least-once delivery can queue one
 *       twice) is deleted, the first copy goes on;
 *   <li>an object that is gone, or whose key now holds other content, is dropped ({@code
 *       DeleteMessage}): nobody can judge it, and new content has its own review;
 *   <li>an object whose tags already carry a person's verdict for this content is dropped: the copy
 *       is a duplicate of an item somebody judged;
 *   <li>an object the tagger has not finished tagging yet (no status for this content, message only
 *       seconds old) comes back a little later, so a verdict never races the tagger's own write.
 * </ul>
 *
 * What is left is answered with a signed {@link ItemToken}, a presigned image URL, the model's
 * predictions and the object's details. Empty rounds are retried a few times so that a reviewer is
 * not told "nothing to do" while messages that were all dropped hid the rest.
 */
final class Claims {

  static final int MAX_COUNT = 10;
  private static final int MAX_ROUNDS = 3;

  /** How long after queueing a message may still be ahead of its object's review tags. */
  static final Duration TAGGER_GRACE = Duration.ofSeconds(60);

  /** When an item is not ready, it comes back after this long. */
  static final int NOT_READY_DELAY_SECONDS = 10;

  private static final Logger log = LoggerFactory.getLogger(Claims.class);

  /** One item as the page receives it. */
  record Item(
      String token,
      String bucket,
      String key,
      String versionId,
      String eTag,
      long size,
      String contentType,
      String uploadedAt,
      String queuedAt,
      String reason,
      double threshold,
      String model,
      List<ReviewMessage.Prediction> predictions,
      List<ObjectTag> userTags,
      String imageUrl,
      long leaseSeconds,
      int receiveCount) {}

  /** What a claim hands out, and what it dropped on the way. */
  record Result(
      List<Item> items,
      int duplicates,
      int gone,
      int stale,
      int alreadyReviewed,
      int notReady,
      int unreadable,
      Long oldestAgeSeconds) {}

  private sealed interface Outcome {}

  private record Ready(Item item) implements Outcome {}

  private record Dropped(String why) implements Outcome {}

  private record Deferred() implements Outcome {}

  private final ReviewInbox inbox;
  private final ReviewObjects objects;
  private final ItemTokens tokens;
  private final TagSchema schema;
  private final ObjectMapper json;
  private final Duration lease;
  private final int waitSeconds;
  private final Clock clock;
  private final Executor executor;

  Claims(
      ReviewInbox inbox,
      ReviewObjects objects,
      ItemTokens tokens,
      TagSchema schema,
      ObjectMapper json,
      Duration lease,
      int waitSeconds,
      Clock clock,
      Executor executor) {
    this.inbox = inbox;
    this.objects = objects;
    this.tokens = tokens;
    this.schema = schema;
    this.json = json;
    this.lease = lease;
    this.waitSeconds = waitSeconds;
    this.clock = clock;
    this.executor = executor;
  }

  Result claim(Reviewer reviewer, int count) throws SecretException {
    if (count < 1 || count > MAX_COUNT) {
      throw ReviewException.badRequest("count must be between 1 and " + MAX_COUNT);
    }
    List<Item> items = new ArrayList<>();
    Counter counter = new Counter();
    Set<String> seen = new HashSet<>();
    for (int round = 0; round < MAX_ROUNDS && items.size() < count; round++) {
      List<ReviewInbox.Received> received =
          inbox.receive(count - items.size(), lease, round == 0 ? waitSeconds : 0);
      if (received.isEmpty()) {
        break;
      }
      List<CompletableFuture<Outcome>> checks = new ArrayList<>();
      for (ReviewInbox.Received delivery : received) {
        counter.oldest(delivery.sentAt(), clock.instant());
        Optional<ReviewMessage> message = parse(delivery);
        if (message.isEmpty()) {
          counter.unreadable++;
          continue;
        }
        if (!seen.add(message.get().identity())) {
          inbox.delete(delivery.receiptHandle());
          counter.duplicates++;
          continue;
        }
        checks.add(
            CompletableFuture.supplyAsync(
                () -> check(reviewer, delivery, message.get()), executor));
      }
      for (CompletableFuture<Outcome> check : checks) {
        switch (join(check)) {
          case Ready ready -> items.add(ready.item());
          case Deferred deferred -> counter.notReady++;
          case Dropped dropped -> counter.dropped(dropped.why());
        }
      }
    }
    return new Result(
        List.copyOf(items),
        counter.duplicates,
        counter.gone,
        counter.stale,
        counter.alreadyReviewed,
        counter.notReady,
        counter.unreadable,
        counter.oldestAgeSeconds);
  }

  private Outcome check(Reviewer reviewer, ReviewInbox.Received delivery, ReviewMessage message) {
    ReviewObjects.State state = objects.inspect(message);
    return switch (state) {
      case ReviewObjects.Gone gone -> drop(delivery, message, "gone");
      case ReviewObjects.Changed changed -> drop(delivery, message, "stale");
      case ReviewObjects.Current current -> {
        if (judged(current.tags(), message)) {
          yield drop(delivery, message, "already-reviewed");
        }
        if (!tagged(current.tags(), message) && young(message)) {
          inbox.changeVisibility(delivery.receiptHandle(), NOT_READY_DELAY_SECONDS);
          yield new Deferred();
        }
        yield new Ready(item(reviewer, delivery, message, current));
      }
    };
  }

  /** Whether the object's tags hold a person's verdict for the content this message names. */
  boolean judged(List<ObjectTag> tags, ReviewMessage message) {
    boolean byPerson = schema.status(tags).map(TagStatus::byPerson).orElse(false);
    Optional<String> tagged = schema.eTag(tags);
    return byPerson
        && (tagged.isEmpty() || message.eTag() == null || tagged.get().equals(message.eTag()));
  }

  /** Whether the tagger has written its tags for this content (or had no room to). */
  private boolean tagged(List<ObjectTag> tags, ReviewMessage message) {
    if ("no-tag-slots".equals(message.reason())) {
      return true;
    }
    Optional<String> tagged = schema.eTag(tags);
    return schema.status(tags).isPresent()
        && (tagged.isEmpty() || message.eTag() == null || tagged.get().equals(message.eTag()));
  }

  private boolean young(ReviewMessage message) {
    try {
      return Instant.parse(message.time()).plus(TAGGER_GRACE).isAfter(clock.instant());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Outcome drop(ReviewInbox.Received delivery, ReviewMessage message, String why) {
    inbox.delete(delivery.receiptHandle());
    log.atInfo()
        .addKeyValue("bucket", message.bucket())
        .addKeyValue("key", message.key())
        .addKeyValue("messageId", delivery.messageId())
        .addKeyValue("outcome", why)
        .log("review item dropped");
    return new Dropped(why);
  }

  private Item item(
      Reviewer reviewer,
      ReviewInbox.Received delivery,
      ReviewMessage message,
      ReviewObjects.Current current) {
    String token;
    try {
      token =
          tokens.issue(
              new ItemToken(
                  delivery.receiptHandle(),
                  delivery.messageId(),
                  reviewer.id(),
                  clock.instant(),
                  message));
    } catch (SecretException e) {
      throw new SecretFailure(e);
    }
    return new Item(
        token,
        message.bucket(),
        message.key(),
        message.versionId(),
        message.eTag(),
        current.size(),
        message.contentType(),
        current.lastModified().toString(),
        message.time(),
        message.reason(),
        message.threshold(),
        message.provider() + "/" + message.model(),
        message.predictions(),
        current.tags().stream().filter(t -> !schema.isOurs(t.key())).toList(),
        objects.imageUrl(message).toString(),
        lease.toSeconds(),
        delivery.receiveCount());
  }

  private Optional<ReviewMessage> parse(ReviewInbox.Received delivery) {
    try {
      ReviewMessage message = json.readValue(delivery.body(), ReviewMessage.class);
      if (message.schema().startsWith("autotag.review/")) {
        return Optional.of(message);
      }
    } catch (IOException | RuntimeException e) {
      // fall through: logged below
    }
    // Left in flight: it comes back after the lease and, after the queue's maxReceiveCount,
    // moves to the review dead-letter queue where an operator can look at it.
    log.atWarn().addKeyValue("messageId", delivery.messageId()).log("unreadable review message");
    return Optional.empty();
  }

  private static Outcome join(CompletableFuture<Outcome> check) throws SecretException {
    try {
      return check.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SecretFailure failure) {
        throw failure.secret();
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }

  /** Carries a {@link SecretException} out of a worker thread. */
  private static final class SecretFailure extends RuntimeException {
    private final SecretException secret;

    SecretFailure(SecretException secret) {
      super(null, null, false, false);
      this.secret = secret;
    }

    SecretException secret() {
      return secret;
    }
  }

  /** Counts of a claim, mutable while it runs on one thread. */
  private static final class Counter {
    int duplicates;
    int gone;
    int stale;
    int alreadyReviewed;
    int notReady;
    int unreadable;
    Long oldestAgeSeconds;

    void dropped(String why) {
      switch (why) {
        case "gone" -> gone++;
        case "stale" -> stale++;
        default -> alreadyReviewed++;
      }
    }

    void oldest(Instant sentAt, Instant now) {
      if (sentAt.equals(Instant.EPOCH)) {
        return;
      }
      long age = Math.max(0, Duration.between(sentAt, now).toSeconds());
      if (oldestAgeSeconds == null || age > oldestAgeSeconds) {
        oldestAgeSeconds = age;
      }
    }
  }
}
