package io.autotag.cli;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** What {@code backfill --engine batch-operations} and {@code --job} print. */
final class BatchReports {

  private static final int WIDTH = 30;

  private BatchReports() {}

  /** After CreateJob: the job id and how to watch it. */
  static String created(BatchBackfill.Created job, String region) {
    String objects = job.objects() < 0 ? "the inventory's objects" : job.objects() + " objects";
    return String.format(
        Locale.ROOT,
        "created S3 Batch Operations job %s: %s, manifest %s%n"
            + "  follow it:  autotag backfill --job %s --account-id %s%n"
            + "  or:         aws s3control describe-job --region %s --account-id %s --job-id %s%n"
            + "  report:     %s (every task with the tagger's answer, when the job ends)%n"
            + "  watch also: the tagger's throttles and errors; a job slower than expected is"
            + " capped by its reserved concurrency%n",
        job.jobId(),
        objects,
        job.manifest(),
        job.jobId(),
        job.accountId(),
        region,
        job.accountId(),
        job.jobId(),
        job.reportFolder());
  }

  /** The progress line: bar, tasks done of total, failed, rate and ETA from the job's timers. */
  static String progressLine(BatchJobs.JobState state) {
    long total = state.total();
    long done = state.done();
    double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    long seconds = state.active().toSeconds();
    double rate = seconds > 0 ? done / (double) seconds : 0;
    String eta =
        rate > 0 && total > done && !state.finished()
            ? String.format(Locale.ROOT, "  eta %ds", Math.round((total - done) / rate))
            : "";
    return String.format(
        Locale.ROOT,
        "[%s%s] %d/%d tasks %3.0f%%  succeeded %d  failed %d  %.1f/s%s  %s   ",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        done,
        total,
        fraction * 100,
        state.succeeded(),
        state.failed(),
        rate,
        eta,
        state.status());
  }

  /** The job's end: its status, counts, and why it failed if it did. */
  static String finished(BatchJobs.JobState state) {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "job %s: %s, %d tasks: %d succeeded, %d failed, %d s active%n",
            state.jobId(),
            state.status(),
            state.total(),
            state.succeeded(),
            state.failed(),
            state.active().toSeconds()));
    state.failureReasons().forEach(r -> text.append("  job failure: ").append(r).append('\n'));
    if (state.statusUpdateReason() != null && !state.status().equals("Complete")) {
      text.append("  reason: ").append(state.statusUpdateReason()).append('\n');
    }
    return text.toString();
  }

  /** The completion report counted: outcomes, reasons, failures and a sample of failed keys. */
  static String summary(CompletionReport.Summary report) {
    StringBuilder text = new StringBuilder();
    text.append("  report ").append(report.location()).append('\n');
    text.append("  ")
        .append(
            String.format(
                Locale.ROOT,
                "classified %d, review %d, skipped %d, already tagged %d, gone %d, failed %d",
                count(report.outcomes(), "classified"),
                count(report.outcomes(), "review"),
                count(report.outcomes(), "skipped"),
                count(report.outcomes(), "duplicate"),
                count(report.outcomes(), "gone"),
                report.failed()))
        .append('\n');
    if (!report.reasons().isEmpty()) {
      text.append("  reasons: ").append(join(report.reasons())).append('\n');
    }
    if (!report.failures().isEmpty()) {
      text.append("  failures: ").append(join(report.failures())).append('\n');
      report.failedSample().forEach(f -> text.append("  failed: ").append(f).append('\n'));
      text.append(
          "  run the same backfill again to retry them: objects already tagged are skipped\n");
    }
    return text.toString();
  }

  /** The bucket name of an S3 bucket ARN ({@code arn:aws:s3:::name}). */
  static String bucketOf(String bucketArn) {
    return bucketArn.substring(bucketArn.lastIndexOf(':') + 1);
  }

  private static long count(Map<String, Long> counts, String key) {
    return counts.getOrDefault(key, 0L);
  }

  private static String join(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
