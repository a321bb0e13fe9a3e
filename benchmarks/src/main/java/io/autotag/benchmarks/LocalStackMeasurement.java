package io.autotag.benchmarks;

import io.autotag.cli.Backfill;
import io.autotag.cli.ServeStack;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.tagger.TaggerWiring;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Measures the local stack (never asserted by tests): command to ready, upload-to-tagged latency
 * over 100 uploads (real model in the built jar; a fixed-latency fake in-process to isolate the
 * plumbing), and backfill throughput, each next to a baseline taken in the same run. From the
 * repository's root, after {@code ./mvnw -B -q -pl cli,benchmarks -am package -DskipTests} (the
 * first part runs {@code cli/target/autotag.jar}):
 *
 * <pre>
 * benchmarks/local-stack.sh
 * </pre>
 */
public final class LocalStackMeasurement {

  static final byte[] SAMPLE = read("events/sample.jpg");
  static final int UPLOADS = 100;

  /** A line of {@code serve}'s banner that names an endpoint, and for S3 its bucket. */
  static final Pattern BANNER_ENDPOINT =
      Pattern.compile("^\\s+(S3|SQS|API)\\s+(http://\\S+)(?:\\s+bucket (\\S+))?");

  public static void main(String[] args) throws Exception {
    System.out.println(
        "# autotag local stack, " + Runtime.getRuntime().availableProcessors() + " cores");
    double bare = bareClassifyMillis();
    System.out.printf(
        Locale.ROOT, "bare onnx classify of events/sample.jpg: median %.1f ms%n", bare);
    readyAndLatencyWithTheJar(bare);
    latencyWithFake(Duration.ofMillis(50));
    backfill(bare);
  }

  static double bareClassifyMillis() throws Exception {
    try (AwsClients aws = LocalAws.clients(Map.of("AWS_REGION", "us-east-1"))) {
      Settings settings = Settings.of(Map.of());
      Classifier onnx = ProviderRegistry.builtIn().create(settings, aws);
      settings.check();
      List<Double> times = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long start = System.nanoTime();
        onnx.classify(ImageInput.Bytes.of(SAMPLE));
        if (i >= 10) {
          times.add((System.nanoTime() - start) / 1e6);
        }
      }
      return percentile(times, 50);
    }
  }

  static void readyAndLatencyWithTheJar(double bare) throws Exception {
    List<Double> ready = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      long start = System.nanoTime();
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  "cli/target/autotag.jar",
                  "serve",
                  "--ephemeral-ports")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        Map<String, URI> endpoints = new HashMap<>();
        String bucket = null;
        BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
          Matcher m = BANNER_ENDPOINT.matcher(line);
          if (m.find()) {
            endpoints.put(m.group(1), URI.create(m.group(2)));
            bucket = m.group(3) != null ? m.group(3) : bucket;
          }
          if (line.contains("Ctrl-C stops everything")) {
            break;
          }
        }
        ready.add((System.nanoTime() - start) / 1e6);
        if (run == 2) {
          List<Double> latencies =
              uploadLatencies(endpoints.get("S3"), endpoints.get("SQS"), bucket);
          report("upload-to-tagged, real model (jar, bridge 200 ms)", latencies, bare);
        }
      } finally {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "command to ready (java -jar autotag.jar serve, 3 runs): median %.0f ms, max %.0f ms%n",
        percentile(ready, 50),
        Collections.max(ready));
  }

  static void latencyWithFake(Duration latency) throws Exception {
    FakeClassifier fake = new FakeClassifier().latency(latency);
    try (ServeStack stack =
        ServeStack.start(
            ServeStack.Options.defaults().withPorts(ServeStack.Ports.ephemeral()),
            Map.of("AUTOTAG_PROVIDER", FakeClassifier.NAME),
            ProviderRegistry.builtIn().with(fake))) {
      List<Double> latencies =
          uploadLatencies(stack.s3Endpoint(), stack.sqsEndpoint(), stack.bucket());
      report(
          "upload-to-tagged, fake provider (" + latency.toMillis() + " ms fixed, in-process)",
          latencies,
          latency.toMillis());
    }
  }

  static List<Double> uploadLatencies(URI s3, URI sqs, String bucket) throws Exception {
    List<Double> latencies = new ArrayList<>();
    try (AwsClients clients = LocalAws.clients(s3, sqs)) {
      for (int i = -5; i < UPLOADS; i++) {
        String key = "measure/" + System.nanoTime() + ".jpg";
        long start = System.nanoTime();
        clients.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(SAMPLE));
        while (clients.s3().getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet().isEmpty()) {
          Thread.sleep(5);
        }
        if (i >= 0) { // the first five warm up
          latencies.add((System.nanoTime() - start) / 1e6);
        }
      }
    }
    return latencies;
  }

  static void backfill(double bare) throws Exception {
    try (LocalAws aws = LocalAws.start()) {
      String queue = aws.createQueue("measure-review");
      for (String bucket : List.of("measure-onnx", "measure-fake")) {
        aws.createBucket(bucket, false);
        for (int i = 0; i < 200; i++) {
          String key = String.format("p/%04d.jpg", i);
          aws.clients()
              .s3()
              .putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(SAMPLE));
        }
      }
      FakeClassifier fake = new FakeClassifier().latency(Duration.ofMillis(50));
      run(aws, queue, "measure-onnx", "onnx", 2, ProviderRegistry.builtIn(), 1000.0 / bare);
      run(
          aws,
          queue,
          "measure-fake",
          FakeClassifier.NAME,
          8,
          ProviderRegistry.builtIn().with(fake),
          8 * 1000.0 / 50);
    }
  }

  static void run(
      LocalAws aws,
      String queue,
      String bucket,
      String provider,
      int concurrency,
      ProviderRegistry providers,
      double ceiling) {
    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AUTOTAG_PROVIDER", provider);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", queue);
    env.put("AUTOTAG_CONCURRENCY", Integer.toString(concurrency));
    try (TaggerWiring wiring = TaggerWiring.create(env, providers, LocalAws::clients);
        AwsClients lister = LocalAws.clients(aws.env())) {
      Backfill.Summary summary =
          new Backfill(lister.s3(), wiring.pipeline(), Math.max(10, concurrency * 2))
              .run(bucket, "");
      System.out.printf(
          Locale.ROOT,
          "backfill %d objects, %s, concurrency %d: %.1f objects/s (%.0f%% of the classifier-only"
              + " ceiling %.1f/s)%n",
          summary.report().total(),
          provider,
          concurrency,
          summary.objectsPerSecond(),
          100 * summary.objectsPerSecond() / ceiling,
          ceiling);
    }
  }

  static void report(String what, List<Double> latencies, double baseline) {
    double median = percentile(latencies, 50);
    double p95 = percentile(latencies, 95);
    System.out.printf(
        Locale.ROOT,
        "%s, %d uploads: median %.0f ms, p95 %.0f ms (median = %.1f x the classify time %.0f ms)%n",
        what,
        latencies.size(),
        median,
        p95,
        median / baseline,
        baseline);
  }

  static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static byte[] read(String path) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
