package io.autotag.cli;

import io.autotag.shared.aws.AwsClients;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The buckets and queues of {@code template.yaml}, made on the S3 and SQS {@code serve} talks to:
 * the uploads and feedback buckets, the review queue (FIFO) and the buffer queue, each with its
 * dead-letter queue. Creating them again is harmless (an external endpoint may already have them).
 *
 * @param bufferQueueArn what S3 notifications and the tagger's event source name the buffer queue
 */
record StackResources(
    String reviewQueueUrl,
    String reviewDeadLetterQueueUrl,
    String bufferQueueUrl,
    String bufferQueueArn,
    String bufferDeadLetterQueueUrl) {

  static final String BUCKET = "autotag-uploads";
  static final String FEEDBACK_BUCKET = "autotag-feedback";
  // FIFO, as in the template: SQS never hands out two messages of one object at once, so two
  // reviewers never get two copies of it.
  static final String REVIEW_QUEUE = "autotag-review.fifo";
  static final String REVIEW_DEAD_LETTER_QUEUE = "autotag-review-dlq.fifo";
  static final String BUFFER_QUEUE = "autotag-buffer";
  static final String BUFFER_DEAD_LETTER_QUEUE = "autotag-buffer-dlq";

  private static final Logger log = LoggerFactory.getLogger(StackResources.class);

  /**
   * Creates both buckets and the four queues; the buffer queue moves a message to its dead-letter
   * queue after {@code maxReceiveCount} deliveries, as the template's does.
   */
  static StackResources create(AwsClients admin, int maxReceiveCount) {
    createBucket(admin, BUCKET);
    createBucket(admin, FEEDBACK_BUCKET);
    String reviewDeadLetter = createQueue(admin, REVIEW_DEAD_LETTER_QUEUE, null, 0, 30);
    String review = createQueue(admin, REVIEW_QUEUE, reviewDeadLetter, 20, 300);
    String bufferDeadLetter = createQueue(admin, BUFFER_DEAD_LETTER_QUEUE, null, 0, 30);
    // Longer than one invocation may take (SqsEventSource allows 60 s), so a slow batch is not
    // delivered a second time while it still runs.
    String buffer = createQueue(admin, BUFFER_QUEUE, bufferDeadLetter, maxReceiveCount, 90);
    return new StackResources(
        review, reviewDeadLetter, buffer, queueArn(admin, buffer), bufferDeadLetter);
  }

  /** What the template configures in buffered mode: ObjectCreated notifications to the queue. */
  void subscribeBufferQueue(AwsClients admin) {
    admin
        .s3()
        .putBucketNotificationConfiguration(
            b ->
                b.bucket(BUCKET)
                    .notificationConfiguration(
                        n ->
                            n.queueConfigurations(
                                q ->
                                    q.id(BUFFER_QUEUE)
                                        .queueArn(bufferQueueArn)
                                        .events(Event.S3_OBJECT_CREATED))));
  }

  private static void createBucket(AwsClients admin, String bucket) {
    try {
      admin.s3().createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      log.atInfo().addKeyValue("bucket", bucket).log("bucket already exists");
    }
  }

  private static String createQueue(
      AwsClients admin,
      String name,
      String deadLetterQueueUrl,
      int maxReceiveCount,
      int visibilitySeconds) {
    Map<QueueAttributeName, String> attributes = new HashMap<>();
    attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds));
    if (name.endsWith(".fifo")) {
      attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
    }
    if (deadLetterQueueUrl != null) {
      attributes.put(
          QueueAttributeName.REDRIVE_POLICY,
          "{\"deadLetterTargetArn\":\""
              + queueArn(admin, deadLetterQueueUrl)
              + "\",\"maxReceiveCount\":\""
              + maxReceiveCount
              + "\"}");
    }
    return admin.sqs().createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
  }

  private static String queueArn(AwsClients admin, String queueUrl) {
    return admin
        .sqs()
        .getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }
}
