package io.autotag.tagger;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.pipeline.BatchReport;
import io.autotag.shared.pipeline.Deadline;
import io.autotag.shared.pipeline.ObjectResult;
import io.autotag.shared.pipeline.TaggingPipeline;
import io.autotag.shared.pipeline.WorkItem;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 notifications delivered straight to Lambda (asynchronous invocation). Every record is
 * processed; when any object needs a retry the invocation fails, so Lambda retries it (objects
 * already done are then recognised and skipped) and, after its retries, sends the event and the
 * error to the on-failure destination.
 */
final class S3Events {

  private static final Logger log = LoggerFactory.getLogger(S3Events.class);
  private final TaggingPipeline pipeline;

  S3Events(TaggingPipeline pipeline) {
    this.pipeline = pipeline;
  }

  BatchReport handle(JsonNode event, Deadline deadline) {
    List<WorkItem> items;
    try {
      items = S3Notifications.createdObjects(event).stream().map(WorkItem::of).toList();
    } catch (S3Notifications.MalformedEventException e) {
      // Not retryable, but never dropped: the on-failure destination keeps the event.
      throw new IllegalArgumentException("not an S3 event notification: " + e.getMessage(), e);
    }
    List<ObjectResult> results = pipeline.process(items, deadline);
    BatchReport report = BatchReport.of(results);
    report.addTo(log.atInfo()).log("invocation done");
    if (report.retry() > 0) {
      throw new RetryLaterException(report.retrySummary());
    }
    return report;
  }

  /** Fails the invocation so Lambda's asynchronous retries deliver the event again. */
  static final class RetryLaterException extends RuntimeException {
    RetryLaterException(String message) {
      super(message);
    }
  }
}
