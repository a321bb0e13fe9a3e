package io.autotag.shared.pipeline;

import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.tagging.ObjectTag;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an object's tag set. A write that must not be left to a redelivery (the object's review
 * message is already out, or this is the trigger's last delivery) is retried in place when it fails
 * for a reason that passes (S3 5xx, throttling, timeouts): a few more calls, with exponential
 * backoff and jitter on top of the SDK's own retries, as long as the invocation's deadline leaves
 * room. A redelivery would classify the object again and queue a second review message; after the
 * last delivery, nothing would say why the object is untagged.
 */
final class TagWriter {

  /** Calls after the first failed one (each is itself up to 3 attempts by the SDK). */
  static final int EXTRA_CALLS = 4;

  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

  /** What one more call may take, beside the wait before it, for the deadline to allow it. */
  static final Duration CALL_ROOM = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(TagWriter.class);

  private final ObjectStore objects;

  TagWriter(ObjectStore objects) {
    this.objects = objects;
  }

  /**
   * Writes {@code tags}; when {@code persistent}, retries a transient failure in place within
   * {@code deadline}, then throws the last failure.
   */
  void write(ObjectRef ref, List<ObjectTag> tags, boolean persistent, Deadline deadline)
      throws ObjectGoneException {
    Duration backoff = FIRST_BACKOFF;
    for (int call = 1; ; call++) {
      try {
        objects.writeTags(ref, tags);
        if (call > 1) {
          log.atInfo()
              .addKeyValue("bucket", ref.bucket())
              .addKeyValue("key", ref.key())
              .addKeyValue("calls", call)
              .log("tag write succeeded after retrying in place");
        }
        return;
      } catch (ObjectGoneException e) {
        throw e;
      } catch (RuntimeException e) {
        Duration wait = jittered(backoff);
        if (!persistent
            || call > EXTRA_CALLS
            || !PipelineFailure.isTransient(e)
            || !deadline.allows(wait.plus(CALL_ROOM))) {
          throw e;
        }
        log.atWarn()
            .addKeyValue("bucket", ref.bucket())
            .addKeyValue("key", ref.key())
            .addKeyValue("error", e.getClass().getSimpleName())
            .addKeyValue("call", call)
            .addKeyValue("waitMs", wait.toMillis())
            .log("tag write failed; retrying in place");
        if (!sleep(wait)) {
          throw e;
        }
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  /** Between half and all of {@code backoff}, so retries of a batch do not fire together. */
  private static Duration jittered(Duration backoff) {
    long millis = backoff.toMillis();
    return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
  }

  private static boolean sleep(Duration wait) {
    try {
      Thread.sleep(wait);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
