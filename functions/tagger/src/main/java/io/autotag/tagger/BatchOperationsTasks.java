package io.autotag.tagger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.BatchReport;
import io.autotag.shared.pipeline.ObjectResult;
import io.autotag.shared.pipeline.S3EventKeys;
import io.autotag.shared.pipeline.TaggingPipeline;
import io.autotag.shared.pipeline.WorkItem;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * S3 Batch Operations "Invoke AWS Lambda function" jobs: every task of the invocation (schema 1.0
 * with a bucket ARN, or 2.0 with a bucket name and the job's user arguments) goes through the same
 * {@link TaggingPipeline} as an upload, so a job re-run, or a job overlapping live uploads, finds
 * settled objects (also a reviewer's {@code reviewed} verdict) and writes nothing. Each task gets
 * its own result code:
 *
 * <ul>
 *   <li>{@code Succeeded} when the object ended somewhere final; the result string, which the job's
 *       completion report keeps, is the outcome: {@code classified}, {@code review:<reason>},
 *       {@code skipped:<reason>}, {@code duplicate}, or {@code gone} (deleted since the manifest
 *       was made: nothing to tag, and nothing a retry could change);
 *   <li>{@code TemporaryFailure} when a retry can succeed (provider throttled or down, S3
 *       throttled, 5xx or unreachable, review queue refused): Batch Operations redrives the task
 *       later;
 *   <li>{@code PermanentFailure} with the reason when it cannot (S3 refused the request: access
 *       denied, no such bucket, an archived object; a task that names no bucket or key).
 * </ul>
 *
 * <p>{@code treatMissingKeysAs} (how the job counts a task of the invocation that has no entry in
 * {@code results}; AWS leaves it otherwise undocumented) is {@code TemporaryFailure}: every task is
 * always answered, but should one ever be left out it is redriven, which the pipeline makes safe,
 * rather than reported as done without a tag or failed without a reason.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html">Invoke
 *     AWS Lambda function (S3 Batch Operations)</a>
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/services-s3-batch.html">Invoke a
 *     Lambda function with Amazon S3 batch events</a>
 */
final class BatchOperationsTasks {

  static final String SCHEMA_1 = "1.0";
  static final String SCHEMA_2 = "2.0";
  static final String TREAT_MISSING_KEYS_AS = ResultCode.TEMPORARY_FAILURE.value;

  private static final Logger log = LoggerFactory.getLogger(BatchOperationsTasks.class);

  /** Batch Operations' per-task result codes. */
  enum ResultCode {
    SUCCEEDED("Succeeded"),
    TEMPORARY_FAILURE("TemporaryFailure"),
    PERMANENT_FAILURE("PermanentFailure");

    final String value;

    ResultCode(String value) {
      this.value = value;
    }
  }

  /** One task of the invocation: either an object to process or a reason it cannot be. */
  sealed interface Task {
    String taskId();
  }

  record ObjectTask(String taskId, ObjectRef ref) implements Task {}

  record MalformedTask(String taskId, String reason) implements Task {}

  /** What the job is told about one task. */
  record TaskResult(String taskId, ResultCode code, String resultString) {}

  private final TaggingPipeline pipeline;
  private final ObjectMapper json;

  BatchOperationsTasks(TaggingPipeline pipeline, ObjectMapper json) {
    this.pipeline = pipeline;
    this.json = json;
  }

  /** Whether the event is a Batch Operations invocation rather than an S3 or SQS event. */
  static boolean isInvocation(JsonNode event) {
    return event.has("invocationSchemaVersion") && event.has("tasks");
  }

  /** Processes every task and returns the response Batch Operations expects. */
  ObjectNode handle(JsonNode event) {
    String schema = event.path("invocationSchemaVersion").asText("");
    if (!SCHEMA_1.equals(schema) && !SCHEMA_2.equals(schema)) {
      // A job created with a schema this code does not know: fail the invocation loudly rather
      // than guess at fields; the job's report shows the error.
      throw new IllegalArgumentException(
          "unsupported Batch Operations invocationSchemaVersion: " + SafeText.of(schema));
    }
    JsonNode taskNodes = event.get("tasks");
    if (taskNodes == null || !taskNodes.isArray()) {
      throw new IllegalArgumentException("Batch Operations invocation without a tasks array");
    }
    List<Task> tasks = new ArrayList<>(taskNodes.size());
    taskNodes.forEach(node -> tasks.add(task(node)));

    List<ObjectTask> objects =
        tasks.stream().filter(ObjectTask.class::isInstance).map(ObjectTask.class::cast).toList();
    List<ObjectResult> processed =
        pipeline.process(objects.stream().map(t -> WorkItem.of(t.ref())).toList());
    // The pipeline answers in the order it was given the objects: walk the tasks in order.
    var inOrder = processed.iterator();
    List<TaskResult> results = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      results.add(
          switch (task) {
            case ObjectTask t -> result(t.taskId(), inOrder.next());
            case MalformedTask t ->
                new TaskResult(t.taskId(), ResultCode.PERMANENT_FAILURE, t.reason());
          });
    }
    logInvocation(event, schema, processed, results);
    return response(schema, event.path("invocationId").asText(""), results);
  }

  /** Reads one task; a task that names no bucket or key is answered, never dropped. */
  static Task task(JsonNode node) {
    String taskId = node.path("taskId").asText("");
    String encodedKey = node.path("s3Key").asText("");
    Optional<String> bucket = bucket(node);
    if (bucket.isEmpty()) {
      return new MalformedTask(taskId, "malformed-task: no bucket");
    }
    if (encodedKey.isEmpty()) {
      return new MalformedTask(taskId, "malformed-task: no key");
    }
    String key;
    try {
      // Keys arrive URL-encoded as in the manifest (AWS's own examples decode them with
      // unquote_plus): the same decoding as S3 event notifications.
      key = S3EventKeys.decode(encodedKey);
    } catch (IllegalArgumentException e) {
      return new MalformedTask(taskId, "malformed-task: badly encoded key");
    }
    JsonNode version = node.get("s3VersionId");
    Optional<String> versionId =
        version == null || version.isNull() ? Optional.empty() : Optional.of(version.asText());
    return new ObjectTask(
        taskId, ObjectRef.of(bucket.get(), key, versionId.orElse(null), null, null));
  }

  /**
   * Schema 2.0 names the bucket ({@code s3Bucket}), 1.0 gives its ARN ({@code s3BucketArn}, in
   * AWS's examples both {@code arn:aws:s3:::name} and {@code arn:aws:s3:region:account:name}); a
   * bucket name never contains a colon, so it is what follows the last one.
   */
  private static Optional<String> bucket(JsonNode task) {
    String name = task.path("s3Bucket").asText("");
    if (name.isEmpty()) {
      // aws-lambda-java-events' S3BatchEventV2 calls the field s3BucketName; accept that too.
      name = task.path("s3BucketName").asText("");
    }
    if (name.isEmpty()) {
      String arn = task.path("s3BucketArn").asText("");
      name = arn.startsWith("arn:") ? arn.substring(arn.lastIndexOf(':') + 1) : "";
    }
    return name.isEmpty() || name.contains("/") ? Optional.empty() : Optional.of(name);
  }

  /** The task's result code and string for what the pipeline did with its object. */
  static TaskResult result(String taskId, ObjectResult result) {
    String detail = result.detail();
    return switch (result.outcome()) {
      case CLASSIFIED -> new TaskResult(taskId, ResultCode.SUCCEEDED, "classified");
      case REVIEW -> new TaskResult(taskId, ResultCode.SUCCEEDED, "review:" + detail);
      case SKIPPED -> new TaskResult(taskId, ResultCode.SUCCEEDED, "skipped:" + detail);
      case DUPLICATE -> new TaskResult(taskId, ResultCode.SUCCEEDED, "duplicate");
      case GONE -> new TaskResult(taskId, ResultCode.SUCCEEDED, "gone");
      case RETRY -> failure(taskId, detail, result.error().orElse(null));
    };
  }

  /**
   * A retryable pipeline result: temporary unless S3 refused the request in a way no retry changes
   * (a 4xx other than throttling, timeouts and conflicts). Provider failures reach here only when
   * retryable; review-queue refusals and unknown errors are retried too.
   */
  private static TaskResult failure(String taskId, String detail, Throwable cause) {
    if (cause instanceof ClassificationException) {
      return new TaskResult(taskId, ResultCode.TEMPORARY_FAILURE, detail);
    }
    if (cause instanceof AwsServiceException e && permanent(e)) {
      String code =
          e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
              ? "HTTP " + e.statusCode()
              : e.awsErrorDetails().errorCode();
      return new TaskResult(
          taskId, ResultCode.PERMANENT_FAILURE, "s3-refused: " + SafeText.of(code));
    }
    return new TaskResult(taskId, ResultCode.TEMPORARY_FAILURE, detail);
  }

  private static boolean permanent(AwsServiceException e) {
    int status = e.statusCode();
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    boolean clientError = status >= 400 && status < 500;
    // 408, 409 OperationAborted (a conflicting tag write), 429, throttling codes and S3's 400
    // RequestTimeout (AWS's own Batch Operations example retries it) are worth another try; any
    // other 4xx (403 AccessDenied, 404 NoSuchBucket, 403 InvalidObjectState for an archived
    // object, 400 InvalidArgument ...) is not.
    return clientError
        && status != 408
        && status != 409
        && status != 429
        && !e.isThrottlingException()
        && !RETRYABLE_CLIENT_CODES.contains(code);
  }

  private static final Set<String> RETRYABLE_CLIENT_CODES =
      Set.of("RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete");

  private ObjectNode response(String schema, String invocationId, List<TaskResult> results) {
    ObjectNode response = json.createObjectNode();
    response.put("invocationSchemaVersion", schema);
    response.put("treatMissingKeysAs", TREAT_MISSING_KEYS_AS);
    response.put("invocationId", invocationId);
    ArrayNode list = response.putArray("results");
    for (TaskResult result : results) {
      list.addObject()
          .put("taskId", result.taskId())
          .put("resultCode", result.code().value)
          .put("resultString", result.resultString());
    }
    return response;
  }

  private static void logInvocation(
      JsonNode event, String schema, List<ObjectResult> processed, List<TaskResult> results) {
    Map<ResultCode, Integer> codes = new EnumMap<>(ResultCode.class);
    results.forEach(r -> codes.merge(r.code(), 1, Integer::sum));
    var line =
        BatchReport.of(processed)
            .addTo(log.atInfo())
            .addKeyValue("jobId", SafeText.of(event.path("job").path("id").asText("")))
            .addKeyValue("schema", schema);
    JsonNode userArguments = event.path("job").path("userArguments");
    if (userArguments.isObject() && !userArguments.isEmpty()) {
      // Names only: values are whatever the job's creator put there.
      List<String> names = new ArrayList<>();
      userArguments.fieldNames().forEachRemaining(n -> names.add(SafeText.of(n)));
      line = line.addKeyValue("userArguments", names);
    }
    for (var entry : codes.entrySet()) {
      line = line.addKeyValue(entry.getKey().value.toLowerCase(Locale.ROOT), entry.getValue());
    }
    line.log("batch operations invocation done");
  }

  /** Text from the event made safe for a log line or a report cell: short, printable ASCII. */
  static final class SafeText {
    private SafeText() {}

    static String of(String text) {
      StringBuilder safe = new StringBuilder();
      text.codePoints()
          .limit(128)
          .forEach(c -> safe.append(c >= 0x20 && c < 0x7f && c != ',' ? (char) c : '?'));
      return safe.toString();
    }
  }
}
