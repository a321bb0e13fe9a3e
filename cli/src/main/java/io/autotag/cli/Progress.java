package io.autotag.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr ({@code \r}-redrawn, at most ten times a second), or nothing
 * when stderr is not a terminal and {@code --progress} was not given, so logs and pipes stay clean.
 * Thread-safe.
 */
final class Progress implements AutoCloseable {

  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter out;
  private final boolean enabled;
  private final String unit;
  private final long startNanos = System.nanoTime();
  private long total;
  private long done;
  private long lastDraw;
  private boolean drawn;
  private boolean custom;

  private Progress(PrintWriter out, boolean enabled, String unit, long total) {
    this.out = out;
    this.enabled = enabled;
    this.unit = unit;
    this.total = total;
  }

  static Progress create(PrintWriter err, boolean enabled, String unit, long total) {
    return new Progress(err, enabled, unit, total);
  }

  static Progress none() {
    return new Progress(null, false, "", 0);
  }

  synchronized void total(long newTotal) {
    this.total = newTotal;
    draw(true);
  }

  synchronized void step(long count) {
    done += count;
    draw(done >= total);
  }

  /** Redraws the bar with a line made by the caller (a job followed remotely has its own). */
  synchronized void show(String line) {
    if (!enabled) {
      return;
    }
    drawn = true;
    custom = true;
    out.print('\r');
    out.print(line);
    out.flush();
  }

  private void draw(boolean force) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    out.print('\r');
    out.print(line(done, total, (now - startNanos) / 1e9, unit));
    out.flush();
  }

  /** The bar for {@code done} of {@code total} after {@code seconds}. */
  static String line(long done, long total, double seconds, String unit) {
    double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    double rate = seconds > 0 ? done / seconds : 0;
    String eta =
        rate > 0 && total > done
            ? String.format(Locale.ROOT, "  eta %ds", Math.round((total - done) / rate))
            : "";
    return String.format(
        Locale.ROOT,
        "[%s%s] %d/%d %s %3.0f%%  %.1f/s%s   ",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        done,
        total,
        unit,
        fraction * 100,
        rate,
        eta);
  }

  /** Ends the line so what follows starts on a fresh one. */
  @Override
  public synchronized void close() {
    if (enabled && drawn) {
      if (!custom) {
        draw(true);
      }
      out.println();
      out.flush();
    }
  }
}
