package io.autotag.cli;

import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.BatchReport;
import io.autotag.shared.pipeline.ObjectResult;
import io.autotag.shared.pipeline.TaggingPipeline;
import io.autotag.shared.pipeline.WorkItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Tags objects that are already in a bucket: lists them ({@code ListObjectsV2}, every page), then
 * runs them through the tagger's own {@link TaggingPipeline} in chunks. Concurrency is the
 * pipeline's ({@code AUTOTAG_CONCURRENCY}). Resuming needs no state of its own: the pipeline skips
 * objects whose tags say they were settled for their current eTag, so a second run only does what
 * the first did not finish. {@link #stop()} (Ctrl-C) lets the running chunk finish, so its tags are
 * written and nothing is classified twice.
 *
 * <p>Public (its constructor, {@link #run(String, String)} and {@link Summary}) for one reason:
 * {@code benchmarks/}' {@code LocalStackMeasurement} measures it with a provider of its own.
 */
public final class Backfill {

  /** Counts per outcome, the objects that need a retry, and whether the run was stopped early. */
  public record Summary(
      long listed, BatchReport report, boolean stopped, Duration elapsed, Duration listing) {

    /** Objects tagged a second, listing time excluded. */
    public double objectsPerSecond() {
      double seconds = (elapsed.toNanos() - listing.toNanos()) / 1e9;
      return seconds > 0 ? report.total() / seconds : 0;
    }
  }

  private final S3Client s3;
  private final TaggingPipeline pipeline;
  private final int chunkSize;
  private volatile boolean stopping;

  public Backfill(S3Client s3, TaggingPipeline pipeline, int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be positive");
    }
    this.s3 = s3;
    this.pipeline = pipeline;
    this.chunkSize = chunkSize;
  }

  /** Asks a running {@link #run} to return after the chunk in progress. */
  void stop() {
    stopping = true;
  }

  /** Tags every object under {@code prefix} in {@code bucket}, showing no progress. */
  public Summary run(String bucket, String prefix) {
    return run(bucket, prefix, Progress.none());
  }

  Summary run(String bucket, String prefix, Progress progress) {
    long start = System.nanoTime();
    List<ObjectRef> refs = list(bucket, prefix);
    Duration listing = Duration.ofNanos(System.nanoTime() - start);
    progress.total(refs.size());
    List<ObjectResult> results = new ArrayList<>(refs.size());
    for (int from = 0; from < refs.size() && !stopping; from += chunkSize) {
      List<WorkItem> chunk =
          refs.subList(from, Math.min(refs.size(), from + chunkSize)).stream()
              .map(WorkItem::of)
              .toList();
      results.addAll(pipeline.process(chunk));
      progress.step(chunk.size());
    }
    return new Summary(
        refs.size(),
        BatchReport.of(results),
        results.size() < refs.size(),
        Duration.ofNanos(System.nanoTime() - start),
        listing);
  }

  private List<ObjectRef> list(String bucket, String prefix) {
    List<ObjectRef> refs = new ArrayList<>();
    s3.listObjectsV2Paginator(
            b -> {
              b.bucket(bucket);
              if (!prefix.isEmpty()) {
                b.prefix(prefix);
              }
            })
        .contents()
        .forEach(o -> refs.add(ref(bucket, o)));
    return refs;
  }

  private static ObjectRef ref(String bucket, S3Object object) {
    // Folder markers ("photos/") are zero-byte objects; the pipeline tags them skipped/empty,
    // as the tagger would on upload.
    return ObjectRef.of(bucket, object.key(), null, object.eTag(), object.size());
  }
}
