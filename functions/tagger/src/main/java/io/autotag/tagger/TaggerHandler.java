package io.autotag.tagger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.pipeline.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.slf4j.MDC;

/**
 * The tagger's Lambda entry point, for its three triggers: S3 notifications invoking it directly,
 * the same notifications buffered through SQS (told apart by the records' {@code eventSource}), and
 * S3 Batch Operations jobs (an {@code invocationSchemaVersion} and {@code tasks}). It only parses
 * the event and hands it to {@link S3Events}, {@link SqsBatches} or {@link BatchOperationsTasks}.
 */
public final class TaggerHandler implements RequestStreamHandler {

  /** Time kept back from the invocation's remaining time to log and answer. */
  static final Duration ANSWER_MARGIN = Duration.ofSeconds(3);

  private final TaggerWiring wiring;
  private final S3Events s3Events;
  private final SqsBatches sqsBatches;
  private final BatchOperationsTasks batchOperations;

  /** Used by Lambda: builds the wiring from the process environment. */
  public TaggerHandler() {
    this(TaggerWiring.fromEnvironment(System.getenv()));
  }

  TaggerHandler(TaggerWiring wiring) {
    this.wiring = wiring;
    this.s3Events = new S3Events(wiring.pipeline());
    this.sqsBatches =
        new SqsBatches(wiring.pipeline(), wiring.json(), wiring.config().maxReceiveCount());
    this.batchOperations = new BatchOperationsTasks(wiring.pipeline(), wiring.json());
  }

  /**
   * A handler over explicit wiring (see {@link TaggerWiring#create}), so the local stack in cli/
   * invokes the real handler with the events Lambda would send; the caller closes the wiring.
   */
  public static TaggerHandler create(TaggerWiring wiring) {
    return new TaggerHandler(wiring);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    MDC.put("requestId", context.getAwsRequestId());
    try {
      JsonNode event;
      try {
        event = wiring.json().readTree(input);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("the event is not JSON", e);
      }
      JsonNode records = event.path("Records");
      Deadline deadline =
          Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis()).minus(ANSWER_MARGIN));
      Object response;
      if (BatchOperationsTasks.isInvocation(event)) {
        response = batchOperations.handle(event);
      } else if ("aws:sqs".equals(records.path(0).path("eventSource").asText())) {
        response = sqsBatches.handle(records, deadline);
      } else {
        response = s3Events.handle(event, deadline);
      }
      wiring.json().writeValue(output, response);
    } finally {
      wiring.metrics().flush();
      MDC.clear();
    }
  }
}
