package io.autotag.cli;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code autotag export-feedback s3://bucket/prefix/ --out DIR}: reviewers' verdicts as a dataset.
 */
@Command(
    name = "export-feedback",
    mixinStandardHelpOptions = true,
    description = {
      "Turns the review function's feedback (one JSON object per verdict under the feedback"
          + " prefix) into a dataset: manifest.jsonl and manifest.csv (one verdict per object"
          + " version, the latest), labels.csv (per-label counts), confusion.csv (the model's top"
          + " label against the person's), and with --images the judged images in one folder per"
          + " label (images/<label>/), the layout classification tools such as Roboflow import."
    })
final class ExportFeedbackCommand implements Callable<Integer> {

  @ParentCommand AutotagCommand parent;

  @Parameters(
      paramLabel = "s3://bucket/prefix/",
      description = "Where the feedback is (stack output FeedbackLocation).")
  String location;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "DIR",
      description = "Folder to write the dataset into (created if needed).")
  Path out;

  @Option(
      names = "--images",
      description = "Also copy each judged image version into images/<label>/.")
  boolean images;

  @Option(
      names = "--include-none",
      description = "With --images: put \"none of these\" images in images/_none/.")
  boolean includeNone;

  @Option(names = "--since", paramLabel = "YYYY-MM-DD", description = "First day (UTC).")
  String since;

  @Option(names = "--until", paramLabel = "YYYY-MM-DD", description = "Last day (UTC).")
  String until;

  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      description = "S3 endpoint, e.g. the local stack.")
  URI endpoint;

  @Option(
      names = "--concurrency",
      defaultValue = "8",
      description = "Feedback objects read at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (concurrency < 1 || concurrency > 64) {
      throw new IllegalArgumentException("--concurrency must be 1..64");
    }
    if (includeNone && !images) {
      throw new IllegalArgumentException("--include-none needs --images");
    }
    BackfillCommand.S3Location where = BackfillCommand.S3Location.parse(location);
    String prefix =
        where.prefix().isEmpty() || where.prefix().endsWith("/")
            ? where.prefix()
            : where.prefix() + "/";
    FeedbackExport.Options options =
        new FeedbackExport.Options(
            where.bucket(),
            prefix,
            day("--since", since, LocalDate.MIN),
            day("--until", until, LocalDate.MAX),
            out,
            images,
            includeNone);
    Map<String, String> env = new HashMap<>(CliAws.withDefaultRegion(parent.env()));
    if (endpoint != null) {
      env.put("AWS_ENDPOINT_URL", endpoint.toString());
    }
    Settings settings = Settings.of(env);
    AwsSettings awsSettings = AwsSettings.from(settings);
    settings.check();
    FeedbackExport.Summary summary;
    try (AwsClients aws = CliAws.factory(env).apply(awsSettings)) {
      summary = new FeedbackExport(aws.s3(), concurrency).run(options);
    }
    PrintWriter print = parent.spec.commandLine().getOut();
    print.printf(
        "%s: %d feedback objects, %d verdicts (%d superseded by a later verdict on the same"
            + " version, %d unreadable)%n",
        where, summary.files(), summary.verdicts(), summary.superseded(), summary.unreadable());
    summary.labels().entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(10)
        .forEach(e -> print.printf("  %-24s %d%n", e.getKey(), e.getValue()));
    if (images) {
      print.printf(
          "  %d images copied, %d no longer readable%n", summary.images(), summary.missingImages());
    }
    print.printf(
        "wrote %s (manifest.jsonl, manifest.csv, labels.csv, confusion.csv%s)%n",
        out, images ? ", images/" : "");
    return summary.unreadable() > 0 ? AutotagCommand.SOME_FAILED : AutotagCommand.OK;
  }

  private static LocalDate day(String option, String text, LocalDate unset) {
    if (text == null) {
      return unset;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + " must be a date like 2026-11-22");
    }
  }
}
