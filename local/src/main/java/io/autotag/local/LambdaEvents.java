package io.autotag.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.S3EventKeys;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The event JSON AWS builds for a handler, built the same way wherever a handler runs outside
 * Lambda (the local stack, tests, benchmarks): the {@code SQSEvent} of Lambda's SQS event source
 * mapping, and the S3 event notification S3 sends for a created object.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html">Lambda with SQS</a>
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html">S3
 *     event message structure</a>
 */
public final class LambdaEvents {

  private LambdaEvents() {}

  /**
   * The {@code SQSEvent} for these received messages (their attributes as received: ask for {@code
   * All} to get {@code ApproximateReceiveCount}).
   */
  public static ObjectNode sqs(
      ObjectMapper json, List<Message> messages, String queueArn, String region) {
    ObjectNode event = json.createObjectNode();
    ArrayNode records = event.putArray("Records");
    for (Message message : messages) {
      ObjectNode record = records.addObject();
      record.put("messageId", message.messageId());
      record.put("receiptHandle", message.receiptHandle());
      record.put("body", message.body());
      ObjectNode attributes = record.putObject("attributes");
      message.attributesAsStrings().forEach(attributes::put);
      record.putObject("messageAttributes");
      record.put("md5OfBody", message.md5OfBody());
      record.put("eventSource", "aws:sqs");
      record.put("eventSourceARN", queueArn);
      record.put("awsRegion", region);
    }
    return event;
  }

  /**
   * The notification S3 sends when {@code object} is created ({@code ObjectCreated:Put}), its key
   * encoded as S3 encodes it; {@code sequencer} orders events for one key.
   */
  public static ObjectNode s3ObjectCreated(
      ObjectMapper json, String region, ObjectRef object, String eventTime, String sequencer) {
    ObjectNode root = json.createObjectNode();
    ObjectNode record = root.putArray("Records").addObject();
    record.put("eventVersion", "2.1");
    record.put("eventSource", "aws:s3");
    record.put("awsRegion", region);
    record.put("eventTime", eventTime);
    record.put("eventName", "ObjectCreated:Put");
    record.putObject("userIdentity").put("principalId", "autotag-local");
    record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
    record.putObject("responseElements");
    ObjectNode s3 = record.putObject("s3");
    s3.put("s3SchemaVersion", "1.0");
    s3.put("configurationId", "autotag-local");
    ObjectNode bucket = s3.putObject("bucket");
    bucket.put("name", object.bucket());
    bucket.putObject("ownerIdentity").put("principalId", "autotag-local");
    bucket.put("arn", "arn:aws:s3:::" + object.bucket());
    ObjectNode created = s3.putObject("object");
    created.put("key", S3EventKeys.encode(object.key()));
    object.size().ifPresent(size -> created.put("size", size));
    object.eTag().ifPresent(eTag -> created.put("eTag", eTag));
    object.versionId().ifPresent(version -> created.put("versionId", version));
    created.put("sequencer", sequencer);
    return root;
  }
}
