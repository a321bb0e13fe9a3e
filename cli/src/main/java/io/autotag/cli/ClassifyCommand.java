package io.autotag.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;
import io.autotag.shared.net.FetchPolicy;
import io.autotag.shared.net.SafeUrlFetcher;
import io.autotag.shared.tagging.TagSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code autotag classify PATH|URL...}: labels for local images and URLs. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = {
      "Classifies image files, folders (walked; images recognised by their bytes) and http(s)"
          + " URLs with the configured provider (AUTOTAG_PROVIDER, default the embedded model)."
    })
final class ClassifyCommand implements Callable<Integer> {

  @ParentCommand AutotagCommand parent;

  @Parameters(arity = "1..*", paramLabel = "PATH|URL", description = "Files, folders or URLs.")
  List<String> sources;

  @Option(names = "--json", description = "A JSON array instead of the table.")
  boolean json;

  @Option(
      names = "--threshold",
      description =
          "Labels at or above this confidence are listed (default AUTOTAG_LABEL_THRESHOLD or 0.77).")
  Double threshold;

  @Option(
      names = "--top",
      description = "Most labels listed per image (default AUTOTAG_MAX_LABELS or 5).")
  Integer top;

  @Option(
      names = "--progress",
      description = "Draw the progress bar even if stderr is not a terminal.")
  boolean progress;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = parent.spec.commandLine().getOut();
    PrintWriter err = parent.spec.commandLine().getErr();
    Map<String, String> env = CliAws.withDefaultRegion(parent.env());
    Settings settings = Settings.of(env);
    double labelThreshold =
        threshold != null
            ? threshold
            : settings.decimal(
                "AUTOTAG_LABEL_THRESHOLD", TagSchema.DEFAULT_LABEL_THRESHOLD, 0.0, 1.0);
    int maxLabels = top != null ? top : settings.integer("AUTOTAG_MAX_LABELS", 5, 1, 50);
    if (!(labelThreshold >= 0 && labelThreshold <= 1)) {
      throw new IllegalArgumentException(
          "--threshold must be a confidence between 0 and 1, got " + threshold);
    }
    if (maxLabels < 1) {
      throw new IllegalArgumentException("--top must be at least 1, got " + top);
    }
    FetchPolicy policy = FetchPolicy.from(settings);
    AwsSettings awsSettings = AwsSettings.from(settings);
    // The provider's variables too, before its model loads: one error names every bad one.
    parent.providers().readSettings(settings);
    settings.check();
    FileClassifier.Expanded expanded = FileClassifier.expand(sources);
    if (expanded.ignored() > 0) {
      err.println("ignored " + expanded.ignored() + " files that are not images");
    }
    List<FileClassifier.Result> results = new ArrayList<>();
    try (AwsClients aws = CliAws.factory(env).apply(awsSettings);
        SafeUrlFetcher fetcher = SafeUrlFetcher.create(policy)) {
      Classifier classifier = parent.providers().create(settings, aws);
      settings.check();
      FileClassifier files = new FileClassifier(classifier, fetcher);
      boolean bar = expanded.sources().size() > 1 && (progress || parent.stderrIsTerminal());
      try (Progress p = Progress.create(err, bar, "images", expanded.sources().size())) {
        for (FileClassifier.Source source : expanded.sources()) {
          results.add(files.classify(source));
          p.step(1);
        }
      }
      if (classifier instanceof AutoCloseable closeable) {
        closeQuietly(closeable);
      }
    }
    ResultTable table = new ResultTable(labelThreshold, maxLabels);
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      out.println(
          mapper.writerWithDefaultPrettyPrinter().writeValueAsString(table.json(results, mapper)));
    } else {
      out.print(table.table(results));
    }
    out.flush();
    boolean allOk = results.stream().allMatch(FileClassifier.Result::ok);
    return allOk ? AutotagCommand.OK : AutotagCommand.SOME_FAILED;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing a model session at exit cannot change any result already printed.
    }
  }
}
