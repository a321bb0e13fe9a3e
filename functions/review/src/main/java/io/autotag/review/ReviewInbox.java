package io.autotag.review;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageNotInflightException;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The review queue from the reviewers' side. A claim is a {@code ReceiveMessage} whose visibility
 * timeout is the lease: nobody else receives the message until it runs out, is extended, or the
 * item is released ({@code ChangeMessageVisibility}) or judged ({@code DeleteMessage}). On a FIFO
 * queue (the template's), SQS also never hands out a message while another of its group, one per
 * object, is in flight, so two copies of one object never reach two people.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html">SQS
 *     visibility timeout</a>
 */
final class ReviewInbox {

  /** One delivery of a review message. */
  record Received(
      String messageId, String receiptHandle, String body, int receiveCount, Instant sentAt) {}

  /** The queue's approximate counts, as SQS reports them. */
  record Counts(long visible, long inFlight, long delayed) {}

  private final SqsClient sqs;
  private final String queueUrl;

  ReviewInbox(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  List<Received> receive(int max, Duration lease, int waitSeconds) {
    return sqs
        .receiveMessage(
            b ->
                b.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.max(1, Math.min(10, max)))
                    .visibilityTimeout((int) lease.toSeconds())
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        MessageSystemAttributeName.SENT_TIMESTAMP))
        .messages()
        .stream()
        .map(ReviewInbox::received)
        .toList();
  }

  private static Received received(Message message) {
    Map<MessageSystemAttributeName, String> attributes = message.attributes();
    return new Received(
        message.messageId(),
        message.receiptHandle(),
        message.body(),
        number(attributes.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
            .map(Long::intValue)
            .orElse(1),
        number(attributes.get(MessageSystemAttributeName.SENT_TIMESTAMP))
            .map(Instant::ofEpochMilli)
            .orElse(Instant.EPOCH));
  }

  private static Optional<Long> number(String value) {
    try {
      return value == null ? Optional.empty() : Optional.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Deletes the message this delivery is about. Returns false when the receipt handle is no longer
   * valid (the lease ran out and someone else received it): the message stays for them.
   */
  boolean delete(String receiptHandle) {
    try {
      sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle));
      return true;
    } catch (ReceiptHandleIsInvalidException e) {
      return false;
    }
  }

  /**
   * Makes the message visible again after {@code seconds} (0: now), counted from now.
   *
   * @throws ReviewException 409 {@code lease-lost} when this delivery's lease is over
   */
  void changeVisibility(String receiptHandle, int seconds) {
    try {
      sqs.changeMessageVisibility(
          b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle).visibilityTimeout(seconds));
    } catch (ReceiptHandleIsInvalidException | MessageNotInflightException e) {
      throw ReviewException.leaseLost();
    } catch (SqsException e) {
      // Emulators answer an unknown or expired handle with a generic 400.
      if (e.statusCode() == 400) {
        throw ReviewException.leaseLost();
      }
      throw e;
    }
  }

  Counts counts() {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return new Counts(
        number(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).orElse(0L),
        number(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .orElse(0L),
        number(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .orElse(0L));
  }
}
