package io.autotag.tagger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.BatchReport;
import io.autotag.shared.pipeline.Deadline;
import io.autotag.shared.pipeline.ObjectResult;
import io.autotag.shared.pipeline.Outcome;
import io.autotag.shared.pipeline.TaggingPipeline;
import io.autotag.shared.pipeline.WorkItem;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffered mode: S3 notifications delivered through an SQS queue. The objects of all messages in
 * the batch are processed together, and messages whose objects need a retry (or whose body is not
 * an S3 event) are reported in {@code batchItemFailures}, so only they return to the queue and,
 * after {@code maxReceiveCount} deliveries, move to its dead-letter queue.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html">Handling
 *     errors for an SQS event source</a>
 */
final class SqsBatches {

  private static final Logger log = LoggerFactory.getLogger(SqsBatches.class);
  private final TaggingPipeline pipeline;
  private final ObjectMapper json;
  private final int maxReceiveCount;

  SqsBatches(TaggingPipeline pipeline, ObjectMapper json, int maxReceiveCount) {
    this.pipeline = pipeline;
    this.json = json;
    this.maxReceiveCount = maxReceiveCount;
  }

  /** Returns the {@code SQSBatchResponse} JSON. */
  ObjectNode handle(JsonNode records, Deadline deadline) {
    Set<String> failures = new LinkedHashSet<>();
    // Which message named each item (by identity: two messages may name the same object).
    Map<WorkItem, String> messageOf = new IdentityHashMap<>();
    List<WorkItem> items = new ArrayList<>();
    for (JsonNode message : records) {
      String messageId = message.path("messageId").asText();
      boolean lastAttempt =
          message.path("attributes").path("ApproximateReceiveCount").asInt(1) >= maxReceiveCount;
      try {
        JsonNode notification = json.readTree(message.path("body").asText());
        if (S3Notifications.isTestEvent(notification)) {
          // S3 sends it once when the notification is configured; nothing to tag.
          log.atInfo()
              .addKeyValue("messageId", messageId)
              .addKeyValue("event", "s3:TestEvent")
              .log("message ignored: S3's test event names no object");
          continue;
        }
        for (ObjectRef ref : S3Notifications.createdObjects(notification, messageId)) {
          WorkItem item = new WorkItem(ref, lastAttempt);
          messageOf.put(item, messageId);
          items.add(item);
        }
      } catch (JsonProcessingException | S3Notifications.MalformedEventException e) {
        log.atError()
            .addKeyValue("messageId", messageId)
            .addKeyValue(
                "reason", e instanceof JsonProcessingException ? "not JSON" : e.getMessage())
            .log("message is not an S3 event notification; it will reach the dead-letter queue");
        failures.add(messageId);
      }
    }
    List<ObjectResult> results = pipeline.process(items, deadline);
    results.stream()
        .filter(result -> result.outcome() == Outcome.RETRY)
        .forEach(result -> failures.add(messageOf.get(result.item())));
    BatchReport.of(results)
        .addTo(log.atInfo())
        .addKeyValue("failedMessages", failures.size())
        .log("batch done");
    ObjectNode response = json.createObjectNode();
    var list = response.putArray("batchItemFailures");
    failures.forEach(id -> list.addObject().put("itemIdentifier", id));
    return response;
  }
}
