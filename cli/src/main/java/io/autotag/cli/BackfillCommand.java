package io.autotag.cli;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.pipeline.BatchReport;
import io.autotag.tagger.TaggerWiring;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3control.S3ControlClient;

/**
 * {@code autotag backfill s3://bucket[/prefix]}: tags objects that are already there, either from
 * this machine with the tagger's own pipeline (the default engine, for small buckets and the local
 * stack) or by handing the bucket to S3 Batch Operations, which invokes the deployed tagger once
 * per object ({@code --engine batch-operations}); {@code --job ID} follows such a job.
 */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Tags objects already in a bucket. The in-process engine (default) classifies from this"
          + " machine with the tagger's own pipeline, against AWS or any endpoint; it is resumable:"
          + " objects already tagged for their current content are skipped, so after Ctrl-C the"
          + " same command carries on.",
      "--engine batch-operations creates an S3 Batch Operations job that invokes the deployed"
          + " tagger for every object (millions of them), with retries and a completion report;"
          + " --job ID follows it.",
    })
final class BackfillCommand implements Callable<Integer> {

  /** How the objects are tagged. */
  enum Engine {
    IN_PROCESS("in-process"),
    BATCH_OPERATIONS("batch-operations");

    final String label;

    Engine(String label) {
      this.label = label;
    }

    static Engine parse(String text) {
      for (Engine engine : values()) {
        if (engine.label.equals(text)) {
          return engine;
        }
      }
      throw new IllegalArgumentException("--engine must be in-process or batch-operations");
    }
  }

  @ParentCommand AutotagCommand parent;

  @Parameters(
      paramLabel = "s3://bucket[/prefix]",
      arity = "0..1",
      description = "Where the objects are (not with --job or --inventory-manifest).")
  String location;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "in-process",
      description = "in-process (default) or batch-operations.")
  String engine;

  @Option(
      names = "--concurrency",
      defaultValue = "8",
      description = "In-process: objects processed at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      description = "S3 (and SQS) endpoint, e.g. the local stack or LocalStack.")
  URI endpoint;

  @Option(
      names = "--sqs-endpoint-url",
      paramLabel = "URL",
      description = "SQS endpoint, if different.")
  URI sqsEndpoint;

  @Option(
      names = "--review-queue-url",
      paramLabel = "URL",
      description = "In-process: review queue (default AUTOTAG_REVIEW_QUEUE_URL).")
  String reviewQueueUrl;

  @Option(
      names = "--progress",
      description = "Draw the progress bar even if stderr is not a terminal.")
  boolean progress;

  @Option(
      names = "--versions",
      description = "Batch Operations: every version of every object, not only the current ones.")
  boolean versions;

  @Option(
      names = "--inventory-manifest",
      paramLabel = "s3://bucket/.../manifest.json",
      description = "Batch Operations: take the objects from this S3 Inventory report.")
  String inventoryManifest;

  @Option(
      names = "--function-arn",
      paramLabel = "ARN",
      description = "Batch Operations: the tagger's alias (stack output TaggerFunctionArn).")
  String functionArn;

  @Option(
      names = "--role-arn",
      paramLabel = "ARN",
      description =
          "Batch Operations: the role the job runs as (stack output BatchOperationsRoleArn).")
  String roleArn;

  @Option(
      names = "--job-bucket",
      paramLabel = "BUCKET",
      description =
          "Batch Operations: where manifests are uploaded and reports written"
              + " (stack output BackfillJobBucketName).")
  String jobBucket;

  @Option(
      names = "--account-id",
      paramLabel = "ID",
      description =
          "Batch Operations: the account of the job (default: the function's, or for --job the"
              + " caller's).")
  String accountId;

  @Option(
      names = "--priority",
      defaultValue = "10",
      description = "Batch Operations: the job's priority (default ${DEFAULT-VALUE}).")
  int priority;

  @Option(
      names = "--follow",
      description = "Batch Operations: after creating the job, follow it as --job does.")
  boolean follow;

  @Option(
      names = "--job",
      paramLabel = "ID",
      description = "Follow a Batch Operations job: progress, then a summary of its report.")
  String jobId;

  @Option(
      names = "--poll-seconds",
      defaultValue = "10",
      description = "How often --job asks for the job's progress (default ${DEFAULT-VALUE}).")
  int pollSeconds;

  @Option(
      names = "--s3-control-endpoint-url",
      paramLabel = "URL",
      description = "S3 Control endpoint (emulators); default AWS_ENDPOINT_URL_S3_CONTROL or AWS.")
  URI s3ControlEndpoint;

  @Override
  public Integer call() throws InterruptedException {
    try {
      return run();
    } catch (SdkException e) {
      throw EndpointException.of(e, endpoints()).orElseThrow(() -> e);
    }
  }

  /** Where this command talks to, for an error that says it could not. */
  private String endpoints() {
    Map<String, String> env = env();
    AwsSettings aws = AwsSettings.from(Settings.of(env));
    String s3 =
        aws.s3Endpoint() != null ? "S3 at " + aws.s3Endpoint() : "S3 in " + aws.region().id();
    if (jobId == null && Engine.parse(engine) == Engine.IN_PROCESS) {
      return s3;
    }
    return s3
        + " or S3 Control at "
        + Optional.ofNullable(s3ControlEndpoint)
            .map(URI::toString)
            .or(() -> Optional.ofNullable(env.get("AWS_ENDPOINT_URL_S3_CONTROL")))
            .orElse("AWS");
  }

  private int run() throws InterruptedException {
    Engine chosen = Engine.parse(engine);
    if (jobId != null) {
      if (location != null || inventoryManifest != null) {
        throw new IllegalArgumentException("--job follows an existing job: give no location");
      }
      return followJob(jobId);
    }
    if (chosen == Engine.BATCH_OPERATIONS) {
      return startJob();
    }
    if (versions || inventoryManifest != null || follow) {
      throw new IllegalArgumentException(
          "--versions, --inventory-manifest and --follow need --engine batch-operations");
    }
    if (location == null) {
      throw new IllegalArgumentException("name the objects: s3://bucket[/prefix]");
    }
    return inProcess();
  }

  /** The environment the AWS clients are built from, with this command's endpoint options. */
  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(CliAws.withDefaultRegion(parent.env()));
    // Options win over the environment's AWS_ENDPOINT_URL_S3/_SQS, as the aws CLI's do.
    if (endpoint != null) {
      env.put("AWS_ENDPOINT_URL", endpoint.toString());
      env.put("AWS_ENDPOINT_URL_S3", endpoint.toString());
      env.put("AWS_ENDPOINT_URL_SQS", endpoint.toString());
    }
    if (sqsEndpoint != null) {
      env.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString());
    }
    if (reviewQueueUrl != null) {
      env.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueueUrl);
    }
    return env;
  }

  private int inProcess() throws InterruptedException {
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("--concurrency must be 1..256");
    }
    S3Location where = S3Location.parse(location);
    PrintWriter out = parent.spec.commandLine().getOut();
    PrintWriter err = parent.spec.commandLine().getErr();
    Map<String, String> env = env();
    env.put("AUTOTAG_CONCURRENCY", Integer.toString(concurrency));
    env.putIfAbsent("AUTOTAG_PRIMING", "false");
    Backfill.Summary summary;
    // Ctrl-C: the hook stops the backfill, then waits until the chunk in progress has written its
    // tags and the summary below is printed, because the JVM halts as soon as the hook returns.
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = null;
    try {
      try (TaggerWiring wiring = TaggerWiring.create(env, parent.providers(), CliAws.factory(env));
          // Listing uses its own client, configured from the same settings as the tagger's.
          AwsClients lister = CliAws.factory(env).apply(awsSettings(env))) {
        Backfill backfill =
            new Backfill(lister.s3(), wiring.pipeline(), Math.max(10, concurrency * 2));
        hook =
            new Thread(
                () -> {
                  backfill.stop();
                  try {
                    finished.await(120, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "autotag-backfill-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean bar = progress || parent.stderrIsTerminal();
        try (Progress p = Progress.create(err, bar, "objects", 0)) {
          summary = backfill.run(where.bucket(), where.prefix(), p);
        }
      }
      out.print(report(summary, where));
      out.flush();
    } finally {
      finished.countDown();
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // Already stopping because of Ctrl-C: the hook is running and has been released.
        }
      }
    }
    if (summary.stopped()) {
      return AutotagCommand.SOME_FAILED;
    }
    return summary.report().retry() > 0 ? AutotagCommand.SOME_FAILED : AutotagCommand.OK;
  }

  /** Builds the manifest, uploads it and creates the job; prints what to watch. */
  private int startJob() throws InterruptedException {
    BatchBackfill.Source source = batchSource();
    if (functionArn == null || roleArn == null || jobBucket == null) {
      throw new IllegalArgumentException(
          "--engine batch-operations needs --function-arn, --role-arn and --job-bucket"
              + " (the stack's outputs TaggerFunctionArn, BatchOperationsRoleArn and"
              + " BackfillJobBucketName)");
    }
    if (priority < 0) {
      throw new IllegalArgumentException("--priority must be 0 or more");
    }
    BatchBackfill.Target target =
        BatchBackfill.Target.of(functionArn, roleArn, jobBucket, accountId);
    PrintWriter out = parent.spec.commandLine().getOut();
    Map<String, String> env = env();
    try (AwsClients aws = CliAws.factory(env).apply(awsSettings(env));
        S3ControlClient s3Control = CliAws.s3Control(aws, env, s3ControlEndpoint)) {
      BatchBackfill backfill =
          new BatchBackfill(aws.s3(), new BatchJobs(s3Control), Clock.systemUTC());
      Optional<BatchBackfill.Created> created =
          backfill.start(source, target, priority, "autotag backfill " + describe(source));
      if (created.isEmpty()) {
        out.println(describe(source) + ": no objects, no job created");
        out.flush();
        return AutotagCommand.OK;
      }
      out.print(BatchReports.created(created.get(), aws.settings().region().id()));
      out.flush();
      if (!follow) {
        return AutotagCommand.OK;
      }
      return follow(backfill, aws, target.accountId(), created.get().jobId());
    }
  }

  /** {@code --job ID}: progress until the job ends, then the report's summary. */
  private int followJob(String id) throws InterruptedException {
    if (!BatchJobs.JOB_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("--job must be a Batch Operations job id");
    }
    if (accountId != null && !BatchJobs.ACCOUNT_ID.matcher(accountId).matches()) {
      throw new IllegalArgumentException("--account-id must be 12 digits");
    }
    Map<String, String> env = env();
    try (AwsClients aws = CliAws.factory(env).apply(awsSettings(env));
        S3ControlClient s3Control = CliAws.s3Control(aws, env, s3ControlEndpoint)) {
      String account = accountId != null ? accountId : CliAws.callerAccount(aws);
      BatchBackfill backfill =
          new BatchBackfill(aws.s3(), new BatchJobs(s3Control), Clock.systemUTC());
      return follow(backfill, aws, account, id);
    }
  }

  private int follow(BatchBackfill backfill, AwsClients aws, String account, String id)
      throws InterruptedException {
    if (pollSeconds < 1) {
      throw new IllegalArgumentException("--poll-seconds must be at least 1");
    }
    PrintWriter out = parent.spec.commandLine().getOut();
    PrintWriter err = parent.spec.commandLine().getErr();
    boolean bar = progress || parent.stderrIsTerminal();
    BatchJobs.JobState last;
    try (Progress p = Progress.create(err, bar, "tasks", 0)) {
      String[] lastStatus = {""};
      last =
          backfill.follow(
              account,
              id,
              Duration.ofSeconds(pollSeconds),
              state -> {
                p.show(BatchReports.progressLine(state));
                if (!bar && !state.status().equals(lastStatus[0])) {
                  // Without a bar, one line per status change keeps logs readable.
                  err.println(BatchReports.progressLine(state));
                  err.flush();
                }
                lastStatus[0] = state.status();
              });
    }
    out.print(BatchReports.finished(last));
    Optional<CompletionReport.Summary> report = Optional.empty();
    if (last.reportBucketArn() != null) {
      String bucket = BatchReports.bucketOf(last.reportBucketArn());
      try {
        report = Optional.of(new CompletionReport(aws.s3()).read(bucket, last.reportPrefix(), id));
      } catch (NoSuchKeyException e) {
        // No task ran (a job that failed before starting): there is no report to read.
        out.println("  no completion report was written");
      }
    }
    report.ifPresent(r -> out.print(BatchReports.summary(r)));
    out.flush();
    boolean clean =
        last.status().equals("Complete")
            && last.failed() == 0
            && report.map(r -> r.failed() == 0).orElse(true);
    return clean ? AutotagCommand.OK : AutotagCommand.SOME_FAILED;
  }

  private BatchBackfill.Source batchSource() {
    if (inventoryManifest != null) {
      if (location != null || versions) {
        throw new IllegalArgumentException(
            "--inventory-manifest names the objects itself: give no location and no --versions");
      }
      S3Location manifest = S3Location.parse(inventoryManifest);
      if (!manifest.prefix().endsWith("manifest.json")) {
        throw new IllegalArgumentException(
            "--inventory-manifest must name an S3 Inventory report's manifest.json");
      }
      return new BatchBackfill.Source.Inventory(manifest.bucket(), manifest.prefix());
    }
    if (location == null) {
      throw new IllegalArgumentException(
          "name the objects: s3://bucket[/prefix], or --inventory-manifest");
    }
    S3Location where = S3Location.parse(location);
    return new BatchBackfill.Source.Listing(where.bucket(), where.prefix(), versions);
  }

  private static String describe(BatchBackfill.Source source) {
    return switch (source) {
      case BatchBackfill.Source.Listing l ->
          new S3Location(l.bucket(), l.prefix()) + (l.allVersions() ? " (every version)" : "");
      case BatchBackfill.Source.Inventory i -> "s3://" + i.bucket() + "/" + i.key();
    };
  }

  private static AwsSettings awsSettings(Map<String, String> env) {
    Settings settings = Settings.of(env);
    AwsSettings aws = AwsSettings.from(settings);
    settings.check();
    return aws;
  }

  static String report(Backfill.Summary summary, S3Location where) {
    BatchReport r = summary.report();
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%s: %d objects listed, %d processed in %.1f s (%.1f objects/s)%n"
                + "  classified %d, review %d, skipped %d, already tagged %d, gone %d, failed %d%n",
            where,
            summary.listed(),
            r.total(),
            summary.elapsed().toNanos() / 1e9,
            summary.objectsPerSecond(),
            r.classified(),
            r.review(),
            r.skipped(),
            r.duplicate(),
            r.gone(),
            r.retry()));
    r.retries().stream()
        .limit(20)
        .forEach(line -> text.append("  retry: ").append(line).append('\n'));
    if (summary.stopped()) {
      text.append("stopped early: run the same command again to carry on\n");
    } else if (r.retry() > 0) {
      text.append("some objects failed: run the same command again to retry them\n");
    }
    return text.toString();
  }

  /** {@code s3://bucket[/prefix]}. */
  record S3Location(String bucket, String prefix) {
    static S3Location parse(String text) {
      if (!text.startsWith("s3://") || text.length() <= "s3://".length()) {
        throw new IllegalArgumentException("expected s3://bucket[/prefix], got " + text);
      }
      String rest = text.substring("s3://".length());
      int slash = rest.indexOf('/');
      return slash < 0
          ? new S3Location(rest, "")
          : new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
    }

    @Override
    public String toString() {
      return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
  }
}
