package io.autotag.shared.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.testing.LocalAws;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** SqsReviewQueue against ElasticMQ, a real SQS protocol server. */
class SqsReviewQueueIT {

  private static LocalAws aws;
  private static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() {
    aws = LocalAws.start();
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  private static ReviewMessage message(String key) {
    return new ReviewMessage(
        ReviewMessage.SCHEMA,
        "bucket",
        key,
        null,
        "etag-" + key,
        10L,
        "image/jpeg",
        "fake",
        "scripted",
        List.of(new ReviewMessage.Prediction("cat", 0.2)),
        0.5,
        "low-confidence",
        "2026-11-22T00:00:00Z");
  }

  @Test
  void sendsMoreThanOneBatchAndEveryMessageArrives() throws Exception {
    String queue = aws.createQueue("review-many");
    List<ReviewMessage> messages = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      messages.add(message("k" + i));
    }

    Map<Integer, String> failed =
        new SqsReviewQueue(aws.clients().sqs(), queue, json).sendAll(messages);

    assertThat(failed).isEmpty();
    List<Message> received = aws.drain(queue);
    assertThat(received).hasSize(23);
    JsonNode first = json.readTree(received.getFirst().body());
    assertThat(first.get("schema").asText()).isEqualTo("autotag.review/1");
    assertThat(first.has("versionId")).as("nulls are left out").isFalse();
    assertThat(received.stream().map(m -> m.body().length()).max(Integer::compare).orElseThrow())
        .as("a review message is a small reference, never the image")
        .isLessThan(1024);
  }

  @Test
  void reportsTheEntriesSqsRefusesAndStillSendsTheOthers() {
    String queue = aws.createQueue("review-partial");
    // SQS refuses a body over its size limit (ElasticMQ: 1 MiB): that entry fails, the others
    // must still go out.
    ReviewMessage huge = message("x".repeat(1100 * 1024));
    List<ReviewMessage> messages = List.of(message("a"), huge, message("b"));

    Map<Integer, String> failed =
        new SqsReviewQueue(aws.clients().sqs(), queue, json).sendAll(messages);

    assertThat(failed).containsKey(1);
    List<String> keys =
        aws.drain(queue).stream()
            .map(
                m ->
                    m.body().contains("\"key\":\"a\"")
                        ? "a"
                        : m.body().contains("\"key\":\"b\"") ? "b" : "?")
            .toList();
    assertThat(keys).doesNotContain("?");
    assertThat(failed.keySet().size() + keys.size()).isEqualTo(3);
  }

  @Test
  void aKeyWithCharactersSqsRefusesStillMakesASendableMessage() throws Exception {
    String queue = aws.createQueue("review-escaped");

    Map<Integer, String> failed =
        new SqsReviewQueue(aws.clients().sqs(), queue, json)
            .sendAll(List.of(message("odd\uFFFFkey")));

    assertThat(failed).isEmpty();
    assertThat(json.readTree(aws.drain(queue).getFirst().body()).get("key").asText())
        .isEqualTo("odd\uFFFFkey");
  }

  @Test
  void fifoQueuesDeduplicateTheSameObjectVersion() {
    String queue =
        aws.clients()
            .sqs()
            .createQueue(
                b ->
                    b.queueName("review.fifo")
                        .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
            .queueUrl();
    ReviewQueue reviews = new SqsReviewQueue(aws.clients().sqs(), queue, json);

    assertThat(reviews.sendAll(List.of(message("same"), message("other")))).isEmpty();
    assertThat(reviews.sendAll(List.of(message("same")))).isEmpty();

    assertThat(aws.drain(queue)).hasSize(2);
  }
}
