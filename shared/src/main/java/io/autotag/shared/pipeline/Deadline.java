package io.autotag.shared.pipeline;

import java.time.Duration;

/**
 * When the work of one invocation must be finished: Lambda's remaining time less a margin for
 * answering. The pipeline only waits (retrying a tag write in place) while the deadline leaves room
 * for the wait and the call after it. Measured on the monotonic clock, so a test's fixed {@code
 * Clock} does not stop it.
 */
public final class Deadline {

  private static final Deadline NONE = new Deadline(Long.MAX_VALUE);

  private final long atNanos;

  private Deadline(long atNanos) {
    this.atNanos = atNanos;
  }

  /** No deadline: waits are bounded by their own number only (backfill, tests). */
  public static Deadline none() {
    return NONE;
  }

  /** A deadline {@code timeLeft} from now; zero or negative means it has passed. */
  public static Deadline in(Duration timeLeft) {
    long now = System.nanoTime();
    long nanos = Math.max(0, timeLeft.toNanos());
    return new Deadline(Long.MAX_VALUE - now < nanos ? Long.MAX_VALUE : now + nanos);
  }

  /** Whether at least {@code time} is left. */
  public boolean allows(Duration time) {
    return this == NONE || atNanos - System.nanoTime() >= time.toNanos();
  }
}
