package io.autotag.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's SQS event source mapping does, locally: long-polls a queue, hands each batch (at
 * most 10 messages) to the handler as the {@code SQSEvent} JSON Lambda sends, reads the handler's
 * {@code batchItemFailures} and deletes every other message. Failed messages, and whole batches
 * whose invocation threw, become visible again after the queue's visibility timeout and, after its
 * {@code maxReceiveCount}, move to its dead-letter queue: the buffered path of the deployed system.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html">
 *     Handling errors for an SQS event source</a>
 */
final class SqsEventSource implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SqsEventSource.class);
  private static final LocalFunction TAGGER =
      new LocalFunction("autotag-tagger-local", Duration.ofSeconds(60));

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final String region;
  private final RequestStreamHandler handler;
  private final ObjectMapper json;
  private final int batchSize;
  private final Thread poller;
  private final AtomicLong invocations = new AtomicLong();
  private final AtomicLong deleted = new AtomicLong();
  private volatile boolean running = true;

  SqsEventSource(
      SqsClient sqs,
      String queueUrl,
      String queueArn,
      String region,
      RequestStreamHandler handler,
      ObjectMapper json,
      int batchSize) {
    if (batchSize < 1 || batchSize > 10) {
      throw new IllegalArgumentException("batch size must be 1..10");
    }
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.region = region;
    this.handler = handler;
    this.json = json;
    this.batchSize = batchSize;
    this.poller =
        Thread.ofPlatform().daemon().name("autotag-sqs-event-source").unstarted(this::loop);
  }

  void start() {
    poller.start();
  }

  /** How many times the handler was invoked. */
  long invocations() {
    return invocations.get();
  }

  /** How many messages were handled and deleted. */
  long deleted() {
    return deleted.get();
  }

  private void loop() {
    while (running) {
      try {
        List<Message> messages =
            sqs.receiveMessage(
                    b ->
                        b.queueUrl(queueUrl)
                            .maxNumberOfMessages(batchSize)
                            // Long polling: an arriving message is returned at once, and close()
                            // waits at most this long.
                            .waitTimeSeconds(1)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages();
        if (!messages.isEmpty() && running) {
          invoke(messages);
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        log.atWarn()
            .setCause(e)
            .addKeyValue("queueUrl", queueUrl)
            .log("polling the queue failed; retrying");
        pause();
      }
    }
  }

  /** Invokes the handler with one batch and deletes the messages it did not report as failed. */
  void invoke(List<Message> messages) {
    invocations.incrementAndGet();
    Set<String> failed = new HashSet<>();
    try {
      String requestId = UUID.randomUUID().toString();
      JsonNode response = TAGGER.invoke(handler, requestId, event(messages));
      response
          .path("batchItemFailures")
          .forEach(f -> failed.add(f.path("itemIdentifier").asText()));
    } catch (RuntimeException e) {
      // As in Lambda: a failed invocation returns the whole batch to the queue.
      log.atWarn()
          .setCause(e)
          .addKeyValue("messages", messages.size())
          .log("the tagger failed; the batch returns to the queue after its visibility timeout");
      return;
    }
    List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
    for (Message message : messages) {
      if (!failed.contains(message.messageId())) {
        done.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(message.messageId())
                .receiptHandle(message.receiptHandle())
                .build());
      }
    }
    if (!done.isEmpty()) {
      var result = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
      deleted.addAndGet(result.successful().size());
      if (!result.failed().isEmpty()) {
        // The message comes back and the pipeline recognises the object as already settled.
        log.atWarn()
            .addKeyValue("failed", result.failed().size())
            .log("some handled messages could not be deleted; they will be delivered again");
      }
    }
  }

  /** The {@code SQSEvent} JSON Lambda sends for these messages. */
  ObjectNode event(List<Message> messages) {
    return LambdaEvents.sqs(json, messages, queueArn, region);
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      // Lets a running invocation finish (its tags get written) rather than cutting it off.
      poller.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
