package io.autotag.tagger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.autotag.shared.pipeline.BatchReport;
import io.autotag.shared.pipeline.ObjectResult;
import io.autotag.shared.pipeline.WorkItem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Entry point for S3 notifications delivered straight to Lambda (asynchronous invocation). Every
 * record is processed; when any object needs a retry the invocation fails, so Lambda retries it
 * (objects already done are then recognised and skipped) and, after its retries, sends the event
 * and the error to the on-failure destination.
 */
public final class S3TaggerHandler implements RequestStreamHandler {

  private static final Logger log = LoggerFactory.getLogger(S3TaggerHandler.class);
  private final TaggerWiring wiring;

  /** Used by Lambda: builds the wiring from the process environment. */
  public S3TaggerHandler() {
    this(TaggerWiring.fromEnvironment(System.getenv()));
  }

  S3TaggerHandler(TaggerWiring wiring) {
    this.wiring = wiring;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    MDC.put("requestId", context.getAwsRequestId());
    try {
      List<WorkItem> items;
      try {
        items =
            S3Notifications.createdObjects(wiring.json().readTree(input)).stream()
                .map(WorkItem::of)
                .toList();
      } catch (S3Notifications.MalformedEventException | IOException e) {
        // Not retryable, but never dropped: the on-failure destination keeps the event.
        throw new IllegalArgumentException("not an S3 event notification: " + e.getMessage(), e);
      }
      List<ObjectResult> results = wiring.pipeline().process(items);
      BatchReport report = BatchReport.of(results);
      log.atInfo().addKeyValue("report", report).log("invocation done");
      if (report.retry() > 0) {
        throw new RetryLaterException(report.retrySummary());
      }
      wiring.json().writeValue(output, report);
    } finally {
      MDC.clear();
    }
  }

  /** Fails the invocation so Lambda's asynchronous retries deliver the event again. */
  static final class RetryLaterException extends RuntimeException {
    RetryLaterException(String message) {
      super(message);
    }
  }
}
