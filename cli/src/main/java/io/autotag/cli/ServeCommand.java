package io.autotag.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code autotag serve}: the local stack until Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs autotag locally: S3 and SQS emulators on loopback, the bucket and queues of"
          + " template.yaml, the tagger reacting to uploads, and the API. Ctrl-C stops it."
    })
final class ServeCommand implements Callable<Integer> {

  @ParentCommand AutotagCommand parent;

  @Option(
      names = "--s3-port",
      defaultValue = "9090",
      description = "S3 port (default ${DEFAULT-VALUE}).")
  int s3Port;

  @Option(
      names = "--sqs-port",
      defaultValue = "9324",
      description = "SQS port (default ${DEFAULT-VALUE}, ElasticMQ's usual).")
  int sqsPort;

  @Option(
      names = "--api-port",
      defaultValue = "3000",
      description = "API port (default ${DEFAULT-VALUE}, like sam local start-api).")
  int apiPort;

  @Option(names = "--ephemeral-ports", description = "Pick free ports (all three).")
  boolean ephemeral;

  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      description =
          "Use this S3 and SQS endpoint (moto_server, LocalStack) instead of the emulators; it"
              + " must deliver S3 notifications to SQS itself.")
  URI external;

  @Option(
      names = "--bridge-interval-ms",
      defaultValue = "200",
      description = "How often the upload bridge lists the bucket (default ${DEFAULT-VALUE}).")
  long bridgeIntervalMs;

  @Option(
      names = "--status-seconds",
      defaultValue = "5",
      description =
          "How often to check queue depths, dead letters and outcome counts; a status line is"
              + " printed when they changed (default ${DEFAULT-VALUE}; 0: no status line).")
  long statusSeconds;

  @Override
  public Integer call() throws InterruptedException {
    if (bridgeIntervalMs < 10) {
      throw new IllegalArgumentException("--bridge-interval-ms must be at least 10");
    }
    PrintWriter out = parent.spec.commandLine().getOut();
    long start = System.nanoTime();
    ServeStack.Options options =
        new ServeStack.Options(
            ephemeral
                ? ServeStack.Ports.ephemeral()
                : new ServeStack.Ports(s3Port, sqsPort, apiPort),
            external,
            Duration.ofMillis(bridgeIntervalMs));
    ServeStack stack = ServeStack.start(options, parent.env(), parent.providers());
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stack.close();
              stopped.countDown();
            },
            "autotag-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.print(banner(stack, (System.nanoTime() - start) / 1e9));
    out.flush();
    // Runs until Ctrl-C (or SIGTERM): the hook closes the stack and the JVM exits.
    if (statusSeconds <= 0) {
      stopped.await();
    } else {
      String last = "";
      while (!stopped.await(statusSeconds, TimeUnit.SECONDS)) {
        last = printStatus(stack, out, last);
      }
    }
    return AutotagCommand.OK;
  }

  /** Prints the status line when it differs from {@code last}; returns the line now. */
  private static String printStatus(ServeStack stack, PrintWriter out, String last) {
    String line;
    try {
      line = stack.status().line();
    } catch (RuntimeException e) {
      return last; // stopping, or the emulator is busy: the next check will tell
    }
    if (!line.equals(last)) {
      out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
      out.flush();
    }
    return line;
  }

  static String banner(ServeStack stack, double seconds) {
    String s3 = stack.s3Endpoint().toString();
    String sqs = stack.sqsEndpoint().toString();
    String api = stack.apiUri().toString();
    String bucket = stack.bucket();
    return String.format(
        Locale.ROOT,
        """
        autotag is running (ready in %.1f s, provider %s)
          S3   %s   bucket %s
          SQS  %s   review queue %s
          API  %s
          Review %s   %s
          review threshold %.2f: curl -X PUT --data 1 %s sends every upload to review
          uploads reach the tagger %s

        Try it from another terminal (the emulators accept any credentials):
          export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=%s AWS_REGION=%s
          aws --endpoint-url %s s3 cp events/sample.jpg s3://%s/photos/cat.jpg
          aws --endpoint-url %s s3api get-object-tagging --bucket %s --key photos/cat.jpg
          open %s in a browser to judge what the model was unsure about
          curl -s -H 'Content-Type: image/jpeg' --data-binary @events/sample.jpg %s/classify
          ./autotag backfill --endpoint-url %s --sqs-endpoint-url %s --review-queue-url %s s3://%s
          ./autotag export-feedback --endpoint-url %s s3://%s/feedback/ --out feedback-dataset

        A status line follows whenever the queues or the outcome counts change.
        Ctrl-C stops everything.
        """,
        seconds,
        stack.provider(),
        s3,
        bucket,
        sqs,
        stack.reviewQueueUrl(),
        api,
        stack.reviewUri(),
        stack
            .reviewerKey()
            .map(key -> "reviewer key " + key + " (reviewer " + ServeStack.LOCAL_REVIEWER + ")")
            .orElse("reviewer keys from AUTOTAG_REVIEWER_KEYS"),
        stack.reviewThreshold(),
        stack.reviewThresholdUri(),
        stack.bridged()
            ? "through the upload bridge and the buffer queue"
            : "through S3 notifications and the buffer queue",
        stack.region(),
        stack.region(),
        s3,
        bucket,
        s3,
        bucket,
        stack.reviewUri(),
        api,
        s3,
        sqs,
        stack.reviewQueueUrl(),
        bucket,
        s3,
        stack.feedbackBucket());
  }
}
