package io.autotag.shared.review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The {@link ReviewQueue} on SQS: sends review messages with {@code SendMessageBatch} (10 entries a
 * call), checking the per-entry failures SQS reports inside a successful response. Entries that
 * failed for a reason on the server side are retried once; what still fails is returned so the
 * caller can fail those records and let their trigger retry. FIFO queues (URL ending in {@code
 * .fifo}) get a message group per object (so reviewers can work in parallel) and a deduplication id
 * per object version, so repeated events do not queue twice. Bodies escape non-ASCII characters, so
 * a key holding a character SQS refuses (U+FFFF, say) still makes a sendable message.
 */
public final class SqsReviewQueue implements ReviewQueue {

  static final int MAX_BATCH = 10;
  private static final Logger log = LoggerFactory.getLogger(SqsReviewQueue.class);

  private final SqsClient sqs;
  private final String queueUrl;
  private final ObjectMapper json;
  private final boolean fifo;

  public SqsReviewQueue(SqsClient sqs, String queueUrl, ObjectMapper json) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.json = json.copy().enable(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
    this.fifo = queueUrl.endsWith(".fifo");
  }

  @Override
  public Map<Integer, String> sendAll(List<ReviewMessage> messages) {
    Map<Integer, String> failed = new LinkedHashMap<>();
    for (int from = 0; from < messages.size(); from += MAX_BATCH) {
      int to = Math.min(messages.size(), from + MAX_BATCH);
      failed.putAll(sendBatch(messages, from, to));
    }
    return failed;
  }

  private Map<Integer, String> sendBatch(List<ReviewMessage> messages, int from, int to) {
    Map<String, SendMessageBatchRequestEntry> pending = new LinkedHashMap<>();
    for (int i = from; i < to; i++) {
      pending.put(Integer.toString(i), entry(Integer.toString(i), messages.get(i)));
    }
    Map<Integer, String> failed = new LinkedHashMap<>();
    for (int attempt = 1; attempt <= 2 && !pending.isEmpty(); attempt++) {
      SendMessageBatchResponse response;
      try {
        response =
            sqs.sendMessageBatch(
                b -> b.queueUrl(queueUrl).entries(new ArrayList<>(pending.values())));
      } catch (SdkException e) {
        // The SDK already retried throttling and 5xx; the whole batch failed.
        log.warn("review batch failed: {}", e.getClass().getSimpleName());
        pending.keySet().forEach(id -> failed.put(Integer.parseInt(id), "send failed"));
        return failed;
      }
      response.successful().forEach(ok -> pending.remove(ok.id()));
      for (BatchResultErrorEntry error : response.failed()) {
        if (Boolean.TRUE.equals(error.senderFault()) || attempt == 2) {
          pending.remove(error.id());
          failed.put(Integer.parseInt(error.id()), "sqs " + error.code());
        }
      }
    }
    return failed;
  }

  private SendMessageBatchRequestEntry entry(String id, ReviewMessage message) {
    String body;
    try {
      body = json.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("review message not serialisable", e);
    }
    var entry = SendMessageBatchRequestEntry.builder().id(id).messageBody(body);
    if (fifo) {
      entry
          .messageGroupId(Digests.sha256Hex(message.bucket() + "/" + message.key()))
          .messageDeduplicationId(message.identityDigest());
    }
    return entry.build();
  }
}
