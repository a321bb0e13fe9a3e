package io.autotag.cli;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.pipeline.BatchReport;
import io.autotag.tagger.TaggerWiring;
import java.io.PrintWriter;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code autotag backfill s3://bucket[/prefix]}: tags objects that are already there. */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Tags objects already in a bucket with the tagger's own pipeline, against AWS or any"
          + " endpoint. Resumable: objects already tagged for their current content are skipped,"
          + " so after Ctrl-C the same command carries on."
    })
final class BackfillCommand implements Callable<Integer> {

  @ParentCommand AutotagCommand parent;

  @Parameters(paramLabel = "s3://bucket[/prefix]", description = "Where the objects are.")
  String location;

  @Option(
      names = "--concurrency",
      defaultValue = "8",
      description = "Objects processed at once (default ${DEFAULT-VALUE}).")
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
      description = "Review queue (default AUTOTAG_REVIEW_QUEUE_URL).")
  String reviewQueueUrl;

  @Option(
      names = "--progress",
      description = "Draw the progress bar even if stderr is not a terminal.")
  boolean progress;

  @Override
  public Integer call() throws InterruptedException {
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("--concurrency must be 1..256");
    }
    S3Location where = S3Location.parse(location);
    PrintWriter out = parent.spec.commandLine().getOut();
    PrintWriter err = parent.spec.commandLine().getErr();
    Map<String, String> env = new HashMap<>(CliAws.withDefaultRegion(parent.env()));
    if (endpoint != null) {
      env.put("AWS_ENDPOINT_URL", endpoint.toString());
    }
    if (sqsEndpoint != null) {
      env.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString());
    }
    if (reviewQueueUrl != null) {
      env.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueueUrl);
    }
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
