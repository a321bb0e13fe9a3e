package io.autotag.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.S3EventKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The event JSON AWS builds for a handler, built the same way wherever a handler runs outside
 * Lambda (the local stack, tests, benchmarks): the {@code SQSEvent} of Lambda's SQS event source
 * mapping, the S3 event notification S3 sends for a created object, and the payload 2.0 event an
 * HTTP API hands its Lambda integration.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html">Lambda with SQS</a>
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html">S3
 *     event message structure</a>
 * @see <a
 *     href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">HTTP
 *     API payload format 2.0</a>
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

  /**
   * Request headers carrying {@code key} as a bearer token ({@code authorization: Bearer key}),
   * plus the given name/value pairs, for events built with {@link #httpApi}.
   */
  public static Map<String, String> bearerHeaders(String key, String... namesAndValues) {
    Map<String, String> headers = new HashMap<>();
    headers.put("authorization", "Bearer " + key);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  /**
   * The payload 2.0 event an HTTP API sends for one request, with what a handler reads of it: the
   * raw path and query, the headers (names as given; API Gateway lower-cases them), the method, a
   * request id, and the body, base64-encoded when {@code base64} (as API Gateway sends binary
   * media). A null {@code body} sends none.
   */
  public static ObjectNode httpApi(
      ObjectMapper json,
      String method,
      String path,
      String rawQuery,
      Map<String, String> headers,
      byte[] body,
      boolean base64) {
    ObjectNode event = json.createObjectNode();
    event.put("version", "2.0");
    event.put("routeKey", "$default");
    event.put("rawPath", path);
    event.put("rawQueryString", rawQuery);
    ObjectNode h = event.putObject("headers");
    headers.forEach(h::put);
    ObjectNode context = event.putObject("requestContext");
    context.put("requestId", "req-test");
    context.put("stage", "$default");
    context.putObject("http").put("method", method).put("path", path);
    if (body != null) {
      event.put(
          "body",
          base64
              ? Base64.getEncoder().encodeToString(body)
              : new String(body, StandardCharsets.UTF_8));
      event.put("isBase64Encoded", base64);
    }
    return event;
  }
}
