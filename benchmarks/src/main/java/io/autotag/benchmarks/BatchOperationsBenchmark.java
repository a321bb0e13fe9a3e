package io.autotag.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.autotag.local.LocalFunction;
import io.autotag.shared.classify.Label;
import io.autotag.shared.pipeline.S3EventKeys;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.AwsCallCounter;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.tagger.TaggerHandler;
import io.autotag.tagger.TaggerWiring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Tasks per second of S3 Batch Operations through one warm {@link TaggerHandler}: N objects in
 * LocalS3, and C callers that each send one-task invocations (schema 2.0, as a job sends them) to
 * the same handler, the way C concurrent Lambda invocations share the function's reserved
 * concurrency. The provider is a fake of fixed latency ({@code --onnx}: the embedded model on
 * {@code events/sample.jpg}). For every C, the baseline is measured in the same run on the same
 * servers: C callers making the same three S3 calls per object straight from the SDK (read tags,
 * read object, wait the provider's latency, write tags), without autotag's code. Besides tasks per
 * second it prints the process CPU per task (emulators included, on both sides), which a machine
 * shared with other work disturbs less than wall time.
 *
 * <p>Run from the repository root, after {@code ./mvnw -B -q -pl benchmarks -am package
 * -DskipTests}: {@code MAIN=io.autotag.benchmarks.BatchOperationsBenchmark benchmarks/run.sh
 * [objects] [latencyMs] [concurrency,...] [--onnx]}.
 */
public final class BatchOperationsBenchmark {

  private static final ObjectMapper json = new ObjectMapper();

  record Run(double wallMs, List<Double> taskMs, int succeeded, double cpuMs) {

    double cpuPerTask() {
      return cpuMs / taskMs.size();
    }

    double tasksPerSecond() {
      return taskMs.size() / (wallMs / 1000.0);
    }

    double percentile(double p) {
      List<Double> sorted = taskMs.stream().sorted().toList();
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    double mean() {
      return taskMs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    boolean onnx = rest.remove("--onnx");
    int objects = rest.size() > 0 ? Integer.parseInt(rest.get(0)) : 400;
    int latencyMs = rest.size() > 1 ? Integer.parseInt(rest.get(1)) : 50;
    int[] levels =
        Arrays.stream((rest.size() > 2 ? rest.get(2) : "1,2,4,8,16").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    byte[] photo = Files.readAllBytes(Path.of("events/sample.jpg"));

    try (LocalAws aws = LocalAws.start()) {
      FakeClassifier fake =
          new FakeClassifier()
              .latency(Duration.ofMillis(latencyMs))
              .defaultAnswer(new Label("cat", 0.93));
      AwsCallCounter counter = new AwsCallCounter();
      Map<String, String> env = new HashMap<>(aws.env());
      env.put("AUTOTAG_PROVIDER", onnx ? "onnx" : FakeClassifier.NAME);
      env.put("AUTOTAG_REVIEW_QUEUE_URL", aws.createQueue("bench-review"));
      env.put("AUTOTAG_PRIMING", "false");
      try (TaggerWiring wiring =
          TaggerWiring.create(env, ProviderRegistry.builtIn().with(fake), counter::clients)) {
        TaggerHandler handler = TaggerHandler.create(wiring);
        int max = Arrays.stream(levels).max().orElse(1);
        // Warm both paths (JIT, connections, the model) before measuring either.
        viaHandler(aws, handler, bucket(aws, "warm", Math.max(60, max * 4), photo), max);
        bare(aws, bucket(aws, "warm-bare", Math.max(60, max * 4), photo), max, latencyMs);
        counter.calls.clear();

        System.out.printf(
            Locale.ROOT,
            "S3 Batch Operations through one warm handler: %d objects, provider %s%n",
            objects,
            onnx ? "onnx (embedded model, events/sample.jpg)" : "fake, " + latencyMs + " ms");
        System.out.printf(
            Locale.ROOT,
            "%-12s %14s %14s %12s %16s %12s %18s %20s%n",
            "concurrency",
            "autotag task/s",
            "bare task/s",
            "bare/autotag",
            "scaling vs C=1",
            "ideal task/s",
            "task ms p50/p95",
            "CPU ms/task (bare)");
        double first = 0;
        long tasksMeasured = 0;
        for (int c : levels) {
          Run run = viaHandler(aws, handler, bucket(aws, "c" + c, objects, photo), c);
          Run baseline = bare(aws, bucket(aws, "c" + c + "-bare", objects, photo), c, latencyMs);
          tasksMeasured += run.taskMs().size();
          if (run.succeeded() != objects) {
            throw new IllegalStateException(
                "only " + run.succeeded() + " of " + objects + " tasks succeeded");
          }
          first = first == 0 ? run.tasksPerSecond() : first;
          System.out.printf(
              Locale.ROOT,
              "%-12d %14.1f %14.1f %12.2f %16.2f %12s %11.0f/%.0f %13.1f (%.1f)%n",
              c,
              run.tasksPerSecond(),
              baseline.tasksPerSecond(),
              baseline.tasksPerSecond() / run.tasksPerSecond(),
              run.tasksPerSecond() / first,
              onnx ? "-" : String.format(Locale.ROOT, "%.1f", c * 1000.0 / latencyMs),
              run.percentile(0.5),
              run.percentile(0.95),
              run.cpuPerTask(),
              baseline.cpuPerTask());
        }
        System.out.printf(
            Locale.ROOT,
            "S3 calls per task: %.2f %s (the bare path makes 3)%n",
            (double) counter.total("S3") / tasksMeasured,
            counter.calls.keySet().stream().filter(k -> k.startsWith("S3.")).sorted().toList());
      }
    }
  }

  /** A bucket holding {@code objects} copies of the photo; returns its name. */
  static String bucket(LocalAws aws, String name, int objects, byte[] photo) {
    String bucket = "bench-" + name;
    aws.createBucket(bucket, false);
    for (int i = 0; i < objects; i++) {
      String key = "img/" + i + " copy.jpg";
      aws.clients().s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(photo));
    }
    return bucket;
  }

  private static List<String> keys(LocalAws aws, String bucket) {
    List<String> keys = new ArrayList<>();
    aws.clients()
        .s3()
        .listObjectsV2Paginator(b -> b.bucket(bucket))
        .contents()
        .forEach(o -> keys.add(o.key()));
    return keys;
  }

  /** C callers send one-task invocations until every key was a task. */
  static Run viaHandler(LocalAws aws, TaggerHandler handler, String bucket, int callers)
      throws Exception {
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(keys(aws, bucket));
    AtomicInteger succeeded = new AtomicInteger();
    return drive(
        queue,
        callers,
        key -> {
          JsonNode response = invoke(handler, event(bucket, key));
          if (response.at("/results/0/resultCode").asText().equals("Succeeded")) {
            succeeded.incrementAndGet();
          }
        },
        succeeded);
  }

  /** The baseline: the same three S3 calls and the provider's wait, straight from the SDK. */
  static Run bare(LocalAws aws, String bucket, int callers, int latencyMs) throws Exception {
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(keys(aws, bucket));
    AtomicInteger succeeded = new AtomicInteger();
    var s3 = aws.clients().s3();
    return drive(
        queue,
        callers,
        key -> {
          s3.getObjectTagging(b -> b.bucket(bucket).key(key));
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
          sleep(latencyMs);
          s3.putObjectTagging(
              b ->
                  b.bucket(bucket)
                      .key(key)
                      .tagging(t -> t.tagSet(x -> x.key("autotag:status").value("classified"))));
          succeeded.incrementAndGet();
        },
        succeeded);
  }

  interface Task {
    void run(String key) throws Exception;
  }

  private static Run drive(
      ConcurrentLinkedQueue<String> queue, int callers, Task task, AtomicInteger succeeded)
      throws Exception {
    List<Double> taskMs = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      futures.add(
          pool.submit(
              () -> {
                String key;
                while ((key = queue.poll()) != null) {
                  long t0 = System.nanoTime();
                  task.run(key);
                  taskMs.add((System.nanoTime() - t0) / 1e6);
                }
                return null;
              }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    double wallMs = (System.nanoTime() - start) / 1e6;
    double cpuMs = (processCpuNanos() - cpuStart) / 1e6;
    pool.shutdown();
    return new Run(wallMs, List.copyOf(taskMs), succeeded.get(), cpuMs);
  }

  static String event(String bucket, String key) {
    ObjectNode event = json.createObjectNode();
    event.put("invocationSchemaVersion", "2.0");
    event.put("invocationId", "bench-" + key.hashCode());
    event.putObject("job").put("id", "bench-job").putObject("userArguments");
    ObjectNode task = event.putArray("tasks").addObject();
    task.put("taskId", "t-" + key.hashCode()).put("s3Key", S3EventKeys.encode(key));
    task.putNull("s3VersionId");
    task.put("s3Bucket", bucket);
    return event.toString();
  }

  static JsonNode invoke(TaggerHandler handler, String event) {
    try {
      return json.readTree(
          LocalFunction.TAGGER.invoke(handler, "bench", event.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(int ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
