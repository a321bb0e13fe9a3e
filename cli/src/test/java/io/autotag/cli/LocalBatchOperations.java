package io.autotag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A local S3 Batch Operations for Lambda-invoke jobs, since no emulator here runs them. Its HTTP
 * side follows the S3 Control REST-XML contract of {@code CreateJob} and {@code DescribeJob} as
 * AWS's API reference gives it ({@code POST /v20180820/jobs}, {@code GET /v20180820/jobs/{id}}, the
 * {@code x-amz-account-id} header, the {@code CreateJobRequest} body with its operation, manifest,
 * report, priority, role and client token, the {@code DescribeJobResult} answer, errors as {@code
 * ErrorResponse}) and refuses requests that break it. A created job then runs the way the user
 * guide describes: it reads the manifest (CSV, or an S3 Inventory manifest.json and its gzipped CSV
 * files) from S3 and checks its eTag, invokes the function once per object with a schema 1.0 or 2.0
 * event, redrives tasks answered {@code TemporaryFailure}, and writes the completion report ({@code
 * manifest.json} and result CSVs) to the report bucket.
 *
 * <p>Every request is recorded, so tests can check what the tool sent.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html">
 *     CreateJob</a>
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html">
 *     Invoke AWS Lambda function</a>
 */
final class LocalBatchOperations implements AutoCloseable {

  static final String NAMESPACE = "http://awss3control.amazonaws.com/doc/2018-08-20/";
  static final Pattern ACCOUNT = Pattern.compile("^\\d{12}$");
  static final Pattern FUNCTION_ARN =
      Pattern.compile(
          "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?"
              + "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
  static final Pattern ROLE_ARN = Pattern.compile("arn:[^:]+:iam::\\d{12}:role/.*");
  static final Pattern BUCKET_ARN = Pattern.compile("arn:[^:]+:s3:::[a-z0-9.-]{3,63}");
  static final Set<String> MANIFEST_FIELDS = Set.of("Ignore", "Bucket", "Key", "VersionId");
  static final int MAX_ATTEMPTS = 3;

  /** A request as it arrived. */
  record Recorded(String method, String path, Map<String, String> headers, String body) {}

  /** The function the jobs invoke: event JSON in, response JSON out (throws = function error). */
  interface Function {
    String invoke(String event) throws Exception;
  }

  /**
   * One row of a manifest: where the object is, its key as written there, its version ({@code null}
   * when the row names none).
   */
  record ManifestRow(String bucket, String encodedKey, String versionId) {}

  /** One task's end, as the completion report records it. */
  record TaskEnd(ManifestRow row, boolean succeeded, String errorCode, String message) {}

  /** What a job was created with, read once from the request (DOM trees are not thread-safe). */
  record JobSpec(
      String clientToken,
      String description,
      String priority,
      String roleArn,
      String confirmationRequired,
      String schema,
      Map<String, String> userArguments,
      String manifestFormat,
      List<String> manifestFields,
      String manifestArn,
      String manifestETag,
      boolean reportEnabled,
      String reportBucketArn,
      String reportPrefix,
      String reportScope,
      String operationXml,
      String manifestXml,
      String reportXml) {

    static JobSpec of(Element root) {
      Element lambda = child(child(root, "Operation").orElseThrow(), "LambdaInvoke").orElseThrow();
      Map<String, String> arguments = new LinkedHashMap<>();
      child(lambda, "UserArguments")
          .ifPresent(
              u ->
                  children(u)
                      .forEach(
                          e ->
                              arguments.put(
                                  text(e, "key").orElseThrow(), text(e, "value").orElse(""))));
      Element manifest = child(root, "Manifest").orElseThrow();
      Element spec = child(manifest, "Spec").orElseThrow();
      Element location = child(manifest, "Location").orElseThrow();
      Element report = child(root, "Report").orElseThrow();
      return new JobSpec(
          text(root, "ClientRequestToken").orElseThrow(),
          text(root, "Description").orElse(null),
          text(root, "Priority").orElseThrow(),
          text(root, "RoleArn").orElseThrow(),
          text(root, "ConfirmationRequired").orElse("false"),
          text(lambda, "InvocationSchemaVersion").orElse("1.0"),
          Map.copyOf(arguments),
          text(spec, "Format").orElseThrow(),
          child(spec, "Fields")
              .map(f -> children(f).stream().map(Node::getTextContent).toList())
              .orElse(List.of()),
          text(location, "ObjectArn").orElseThrow(),
          text(location, "ETag").orElseThrow(),
          text(report, "Enabled").orElse("false").equals("true"),
          text(report, "Bucket").orElse(""),
          text(report, "Prefix").orElse(""),
          text(report, "ReportScope").orElse("AllTasks"),
          serialize(child(root, "Operation").orElseThrow()),
          serialize(manifest),
          serialize(report));
    }
  }

  static final class Job {
    final String id;
    final JobSpec spec;
    final Instant created = Instant.now();
    volatile String status = "New";
    volatile String failure;
    volatile Instant activeSince;
    volatile Instant terminated;
    final AtomicLong total = new AtomicLong();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final List<TaskEnd> ends = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    Job(String id, JobSpec spec) {
      this.id = id;
      this.spec = spec;
    }

    long activeSeconds() {
      Instant since = activeSince;
      if (since == null) {
        return 0;
      }
      Instant until = terminated == null ? Instant.now() : terminated;
      // Whole seconds, as DescribeJob reports them, but never 0 once tasks ran.
      return Math.max(1, Duration.between(since, until).toSeconds());
    }
  }

  private final String accountId;
  private final String region;
  private final S3Client s3;
  private final Function function;
  private final int concurrency;
  private final HttpServer server;
  private final ExecutorService runner = Executors.newCachedThreadPool();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile UnaryOperator<String> taskEventEdit = UnaryOperator.identity();

  LocalBatchOperations(
      String accountId, String region, S3Client s3, Function function, int concurrency) {
    this.accountId = accountId;
    this.region = region;
    this.s3 = s3;
    this.function = function;
    this.concurrency = concurrency;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  Optional<Job> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Lets a test change each event before it reaches the function (a hostile job, a bad key). */
  void editTaskEvents(UnaryOperator<String> edit) {
    this.taskEventEdit = edit;
  }

  // ---- HTTP: S3 Control ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.getFirst()));
      String path = exchange.getRequestURI().getRawPath();
      requests.add(new Recorded(exchange.getRequestMethod(), path, headers, body));
      String account = headers.get("x-amz-account-id");
      if (account == null || !ACCOUNT.matcher(account).matches()) {
        error(exchange, 400, "InvalidRequest", "x-amz-account-id must be a 12-digit account id");
        return;
      }
      if (!account.equals(accountId)) {
        error(exchange, 403, "AccessDenied", "Access Denied");
        return;
      }
      String authorization = headers.getOrDefault("authorization", "");
      if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
        error(exchange, 403, "AccessDenied", "requests must be signed with SigV4");
        return;
      }
      if (exchange.getRequestMethod().equals("POST") && path.equals("/v20180820/jobs")) {
        createJob(exchange, body);
      } else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/v20180820/jobs/")) {
        describeJob(exchange, path.substring("/v20180820/jobs/".length()));
      } else {
        error(exchange, 404, "NotImplemented", "not emulated: " + exchange.getRequestMethod());
      }
    } catch (RuntimeException e) {
      error(exchange, 500, "InternalServiceException", e.toString());
    }
  }

  private void createJob(HttpExchange exchange, String body) throws IOException {
    Element root;
    try {
      root = parse(body);
    } catch (IllegalArgumentException e) {
      error(exchange, 400, "InvalidRequest", "malformed XML: " + e.getMessage());
      return;
    }
    String problem = checkCreateJob(root);
    if (problem != null) {
      error(exchange, 400, "InvalidRequest", problem);
      return;
    }
    JobSpec spec = JobSpec.of(root);
    // The client token makes CreateJob idempotent: the same token gives the same job.
    Job existing =
        jobs.values().stream()
            .filter(j -> j.spec.clientToken().equals(spec.clientToken()))
            .findFirst()
            .orElse(null);
    Job job = existing != null ? existing : new Job(UUID.randomUUID().toString(), spec);
    if (existing == null) {
      jobs.put(job.id, job);
      runner.submit(() -> run(job));
    }
    respond(
        exchange,
        200,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateJobResult xmlns=\""
            + NAMESPACE
            + "\"><JobId>"
            + job.id
            + "</JobId></CreateJobResult>");
  }

  /** The checks AWS's API reference states for CreateJob; null when the request is valid. */
  static String checkCreateJob(Element root) {
    if (!root.getLocalName().equals("CreateJobRequest")
        || !NAMESPACE.equals(root.getNamespaceURI())) {
      return "the body must be a CreateJobRequest in " + NAMESPACE;
    }
    Optional<String> token = text(root, "ClientRequestToken");
    if (token.isEmpty() || token.get().isEmpty() || token.get().length() > 64) {
      return "ClientRequestToken is required (1-64 characters)";
    }
    Optional<String> priority = text(root, "Priority");
    if (priority.isEmpty() || !priority.get().matches("\\d{1,10}")) {
      return "Priority is required (0 or more)";
    }
    if (text(root, "RoleArn").filter(r -> ROLE_ARN.matcher(r).matches()).isEmpty()) {
      return "RoleArn is required and must be an IAM role ARN";
    }
    Optional<String> description = text(root, "Description");
    if (description.isPresent()
        && (description.get().isEmpty() || description.get().length() > 256)) {
      return "Description must be 1-256 characters";
    }
    Element operation = child(root, "Operation").orElse(null);
    if (operation == null || children(operation).size() != 1) {
      return "Operation is required and names exactly one operation";
    }
    Element lambda = child(operation, "LambdaInvoke").orElse(null);
    if (lambda == null) {
      return "only LambdaInvoke jobs are emulated";
    }
    if (text(lambda, "FunctionArn").filter(f -> FUNCTION_ARN.matcher(f).matches()).isEmpty()) {
      return "LambdaInvoke.FunctionArn is required and must match the function ARN pattern";
    }
    String schema = text(lambda, "InvocationSchemaVersion").orElse("1.0");
    if (!schema.equals("1.0") && !schema.equals("2.0")) {
      return "InvocationSchemaVersion must be 1.0 or 2.0";
    }
    Optional<Element> userArguments = child(lambda, "UserArguments");
    if (userArguments.isPresent()) {
      if (!schema.equals("2.0")) {
        return "UserArguments need InvocationSchemaVersion 2.0";
      }
      List<Element> entries = children(userArguments.get());
      if (entries.size() > 10) {
        return "UserArguments: at most 10 entries";
      }
      for (Element entry : entries) {
        String key = text(entry, "key").orElse("");
        if (key.isEmpty() || key.length() > 64 || text(entry, "value").orElse("").length() > 1024) {
          return "UserArguments: keys 1-64 characters, values up to 1024";
        }
      }
    }
    Element report = child(root, "Report").orElse(null);
    if (report == null) {
      return "Report is required";
    }
    if (text(report, "Enabled").filter(e -> e.equals("true") || e.equals("false")).isEmpty()) {
      return "Report.Enabled is required";
    }
    if (text(report, "Enabled").orElse("").equals("true")) {
      if (text(report, "Bucket").filter(b -> BUCKET_ARN.matcher(b).matches()).isEmpty()) {
        return "Report.Bucket must be a bucket ARN when the report is enabled";
      }
      if (!text(report, "Format").orElse("").equals("Report_CSV_20180820")) {
        return "Report.Format must be Report_CSV_20180820";
      }
      String scope = text(report, "ReportScope").orElse("AllTasks");
      if (!scope.equals("AllTasks") && !scope.equals("FailedTasksOnly")) {
        return "Report.ReportScope must be AllTasks or FailedTasksOnly";
      }
    }
    Element manifest = child(root, "Manifest").orElse(null);
    if (manifest == null) {
      return "Manifest is required (ManifestGenerator is not emulated)";
    }
    Element spec = child(manifest, "Spec").orElse(null);
    Element location = child(manifest, "Location").orElse(null);
    if (spec == null || location == null) {
      return "Manifest needs Spec and Location";
    }
    String format = text(spec, "Format").orElse("");
    if (format.equals("S3BatchOperations_CSV_20180820")) {
      List<String> fields =
          child(spec, "Fields")
              .map(f -> children(f).stream().map(Node::getTextContent).toList())
              .orElse(List.of());
      if (!fields.contains("Bucket")
          || !fields.contains("Key")
          || !MANIFEST_FIELDS.containsAll(fields)) {
        return "a CSV manifest's Fields must name Bucket and Key (and only Ignore, VersionId)";
      }
    } else if (!format.equals("S3InventoryReport_CSV_20161130")) {
      return "Manifest.Spec.Format must be S3BatchOperations_CSV_20180820 or"
          + " S3InventoryReport_CSV_20161130";
    }
    if (text(location, "ObjectArn")
            .filter(a -> a.startsWith("arn:") && a.contains(":s3:::"))
            .isEmpty()
        || text(location, "ETag").filter(e -> !e.isEmpty()).isEmpty()) {
      return "Manifest.Location needs ObjectArn and ETag";
    }
    return null;
  }

  private void describeJob(HttpExchange exchange, String id) throws IOException {
    Job job = jobs.get(id);
    if (job == null) {
      error(exchange, 404, "NotFoundException", "The specified job does not exist");
      return;
    }
    JobSpec spec = job.spec;
    StringBuilder xml = new StringBuilder();
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeJobResult xmlns=\"")
        .append(NAMESPACE)
        .append("\"><Job>")
        .append("<ConfirmationRequired>")
        .append(spec.confirmationRequired())
        .append("</ConfirmationRequired>")
        .append("<CreationTime>")
        .append(job.created)
        .append("</CreationTime>");
    if (spec.description() != null) {
      xml.append("<Description>").append(escape(spec.description())).append("</Description>");
    }
    String failure = job.failure;
    if (failure != null) {
      xml.append("<FailureReasons><JobFailure><FailureCode>")
          .append(failure.substring(0, failure.indexOf(':')))
          .append("</FailureCode><FailureReason>")
          .append(escape(failure.substring(failure.indexOf(':') + 1).strip()))
          .append("</FailureReason></JobFailure></FailureReasons>");
    }
    xml.append("<JobArn>arn:aws:s3:")
        .append(region)
        .append(':')
        .append(accountId)
        .append(":job/")
        .append(job.id)
        .append("</JobArn><JobId>")
        .append(job.id)
        .append("</JobId>")
        .append(spec.manifestXml())
        .append(spec.operationXml())
        .append("<Priority>")
        .append(spec.priority())
        .append("</Priority><ProgressSummary><NumberOfTasksFailed>")
        .append(job.failed.get())
        .append("</NumberOfTasksFailed><NumberOfTasksSucceeded>")
        .append(job.succeeded.get())
        .append("</NumberOfTasksSucceeded><Timers><ElapsedTimeInActiveSeconds>")
        .append(job.activeSeconds())
        .append("</ElapsedTimeInActiveSeconds></Timers><TotalNumberOfTasks>")
        .append(job.total.get())
        .append("</TotalNumberOfTasks></ProgressSummary>")
        .append(spec.reportXml())
        .append("<RoleArn>")
        .append(escape(spec.roleArn()))
        .append("</RoleArn><Status>")
        .append(job.status)
        .append("</Status>");
    if (job.terminated != null) {
      xml.append("<TerminationDate>").append(job.terminated).append("</TerminationDate>");
    }
    xml.append("</Job></DescribeJobResult>");
    respond(exchange, 200, xml.toString());
  }

  // ---- Running a job ----

  private void run(Job job) {
    try {
      job.status = "Preparing";
      List<ManifestRow> rows = readManifest(job);
      job.total.set(rows.size());
      job.status = "Active";
      job.activeSince = Instant.now();
      ExecutorService lambdas = Executors.newFixedThreadPool(concurrency);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (ManifestRow row : rows) {
          running.add(lambdas.submit(() -> runTask(job, row)));
        }
        for (Future<?> task : running) {
          task.get();
        }
      } finally {
        lambdas.shutdown();
      }
      job.status = "Completing";
      writeReport(job);
      job.terminated = Instant.now();
      job.status = "Complete";
    } catch (Exception e) {
      job.failure = "JobFailed: " + e.getMessage();
      job.terminated = Instant.now();
      job.status = "Failed";
    }
  }

  private List<ManifestRow> readManifest(Job job) throws IOException {
    JobSpec spec = job.spec;
    String[] object = objectOf(spec.manifestArn());
    String eTag = s3.headObject(b -> b.bucket(object[0]).key(object[1])).eTag().replace("\"", "");
    if (!eTag.equals(spec.manifestETag().replace("\"", ""))) {
      throw new IllegalStateException("the manifest's ETag does not match the object");
    }
    byte[] content = s3.getObjectAsBytes(b -> b.bucket(object[0]).key(object[1])).asByteArray();
    if (spec.manifestFormat().equals("S3InventoryReport_CSV_20161130")) {
      return inventoryRows(content);
    }
    List<ManifestRow> rows = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(new ByteArrayInputStream(content), StandardCharsets.UTF_8))) {
      CompletionReport.Csv.rows(reader, cells -> rows.add(row(spec.manifestFields(), cells)));
    }
    return rows;
  }

  private List<ManifestRow> inventoryRows(byte[] manifestJson) throws IOException {
    JsonNode manifest = json.readTree(manifestJson);
    List<String> fields =
        List.of(manifest.path("fileSchema").asText().split("\\s*,\\s*")).stream()
            .map(String::strip)
            .toList();
    String bucket = objectOf(manifest.path("destinationBucket").asText() + "/x")[0];
    List<ManifestRow> rows = new ArrayList<>();
    for (JsonNode file : manifest.path("files")) {
      byte[] gz =
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(file.path("key").asText())).asByteArray();
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(
                  new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
        CompletionReport.Csv.rows(reader, cells -> rows.add(row(fields, cells)));
      }
    }
    return rows;
  }

  private static ManifestRow row(List<String> fields, List<String> cells) {
    String bucket = cells.get(fields.indexOf("Bucket"));
    String key = cells.get(fields.indexOf("Key"));
    int versionAt = fields.indexOf("VersionId");
    String version =
        versionAt >= 0 && versionAt < cells.size() && !cells.get(versionAt).isEmpty()
            ? cells.get(versionAt)
            : null;
    return new ManifestRow(bucket, key, version);
  }

  private void runTask(Job job, ManifestRow row) {
    String schema = job.spec.schema();
    String taskId =
        Base64.getEncoder()
            .withoutPadding()
            .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    for (int attempt = 1; ; attempt++) {
      String invocationId =
          Base64.getEncoder()
              .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
      ObjectNode event = json.createObjectNode();
      event.put("invocationSchemaVersion", schema);
      event.put("invocationId", invocationId);
      ObjectNode jobNode = event.putObject("job").put("id", job.id);
      if (schema.equals("2.0")) {
        ObjectNode args = jobNode.putObject("userArguments");
        job.spec.userArguments().forEach(args::put);
      }
      ObjectNode task = event.putArray("tasks").addObject();
      task.put("taskId", taskId).put("s3Key", row.encodedKey());
      // ObjectNode.put writes a null version as JSON null, as Batch Operations sends it.
      task.put("s3VersionId", row.versionId());
      if (schema.equals("2.0")) {
        task.put("s3Bucket", row.bucket());
      } else {
        task.put("s3BucketArn", "arn:aws:s3:::" + row.bucket());
      }
      String eventJson = taskEventEdit.apply(event.toString());
      job.events.add(eventJson);
      String code;
      String message;
      try {
        JsonNode response = json.readTree(function.invoke(eventJson));
        if (!schema.equals(response.path("invocationSchemaVersion").asText())
            || !invocationId.equals(response.path("invocationId").asText())) {
          code = "PermanentFailure";
          message = "Invalid JSON returned in Lambda payload: schema version or invocation id";
        } else {
          JsonNode result = null;
          for (JsonNode r : response.path("results")) {
            if (taskId.equals(r.path("taskId").asText())) {
              result = r;
            }
          }
          code =
              result != null
                  ? result.path("resultCode").asText()
                  : response.path("treatMissingKeysAs").asText("PermanentFailure");
          message = result != null ? result.path("resultString").asText("") : "missing result";
        }
      } catch (Exception e) {
        code = attempt < MAX_ATTEMPTS ? "TemporaryFailure" : "PermanentFailure";
        message = "Lambda returned function error: " + e;
      }
      switch (code) {
        case "Succeeded" -> {
          job.ends.add(new TaskEnd(row, true, "", message));
          job.succeeded.incrementAndGet();
          return;
        }
        case "TemporaryFailure" -> {
          if (attempt < MAX_ATTEMPTS) {
            continue;
          }
          job.ends.add(new TaskEnd(row, false, "TemporaryFailure", message));
          job.failed.incrementAndGet();
          return;
        }
        case "PermanentFailure" -> {
          job.ends.add(new TaskEnd(row, false, "PermanentFailure", message));
          job.failed.incrementAndGet();
          return;
        }
        default -> {
          job.ends.add(new TaskEnd(row, false, "PermanentFailure", "Invalid result code " + code));
          job.failed.incrementAndGet();
          return;
        }
      }
    }
  }

  /** The completion report, laid out as the user guide's examples show it. */
  private void writeReport(Job job) throws Exception {
    JobSpec spec = job.spec;
    if (!spec.reportEnabled()) {
      return;
    }
    String bucket = objectOf(spec.reportBucketArn() + "/x")[0];
    String prefix = spec.reportPrefix();
    String folder = (prefix.isEmpty() ? "" : prefix + "/") + "job-" + job.id;
    boolean failedOnly = spec.reportScope().equals("FailedTasksOnly");
    ArrayNode results = json.createArrayNode();
    for (boolean succeeded : new boolean[] {true, false}) {
      if (succeeded && failedOnly) {
        continue;
      }
      StringBuilder csv = new StringBuilder();
      for (TaskEnd end : job.ends) {
        if (end.succeeded() != succeeded) {
          continue;
        }
        csv.append(end.row().bucket())
            .append(',')
            .append(end.row().encodedKey())
            .append(',')
            .append(Objects.requireNonNullElse(end.row().versionId(), ""))
            .append(',')
            .append(succeeded ? "succeeded" : "failed")
            .append(",200,")
            .append(end.errorCode())
            .append(',')
            .append(csvField(end.message()))
            .append('\n');
      }
      if (csv.isEmpty()) {
        continue;
      }
      byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
      String name =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes)) + ".csv";
      String key = folder + "/results/" + name;
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
      results
          .addObject()
          .put("TaskExecutionStatus", succeeded ? "succeeded" : "failed")
          .put("Bucket", bucket)
          .put(
              "MD5Checksum",
              HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)))
          .put("Key", key);
    }
    ObjectNode top = json.createObjectNode();
    top.put("Format", "Report_CSV_20180820");
    top.put("ReportCreationDate", Instant.now().toString());
    top.set("Results", results);
    top.put(
        "ReportSchema",
        "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage");
    s3.putObject(
        b -> b.bucket(bucket).key(folder + "/manifest.json"),
        RequestBody.fromBytes(json.writeValueAsBytes(top)));
  }

  // ---- XML and HTTP helpers ----

  static Element parse(String xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      Document document =
          factory
              .newDocumentBuilder()
              .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
      return document.getDocumentElement();
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  static Optional<Element> child(Element parent, String name) {
    return children(parent).stream().filter(e -> e.getLocalName().equals(name)).findFirst();
  }

  static List<Element> children(Element parent) {
    List<Element> list = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        list.add(e);
      }
    }
    return list;
  }

  static Optional<String> text(Element parent, String name) {
    return child(parent, name).map(Node::getTextContent);
  }

  /** The element as XML without its namespace declarations (it is copied into a response). */
  static String serialize(Element element) {
    StringBuilder xml = new StringBuilder("<").append(element.getLocalName()).append('>');
    List<Element> kids = children(element);
    if (kids.isEmpty()) {
      xml.append(escape(element.getTextContent()));
    } else {
      kids.forEach(k -> xml.append(serialize(k)));
    }
    return xml.append("</").append(element.getLocalName()).append('>').toString();
  }

  private static String[] objectOf(String objectArn) {
    String path = objectArn.substring(objectArn.indexOf(":::") + 3);
    int slash = path.indexOf('/');
    return new String[] {path.substring(0, slash), path.substring(slash + 1)};
  }

  private static String csvField(String value) {
    return value.contains(",") || value.contains("\"") || value.contains("\n")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    respond(
        exchange,
        status,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Code>"
            + code
            + "</Code><Message>"
            + escape(message)
            + "</Message></Error><RequestId>local</RequestId></ErrorResponse>");
  }

  private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/xml");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    runner.shutdownNow();
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
