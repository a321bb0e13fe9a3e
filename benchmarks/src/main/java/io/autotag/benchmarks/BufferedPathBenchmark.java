package io.autotag.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.AwsCallCounter;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.TestImages;
import io.autotag.tagger.TaggerHandler;
import io.autotag.tagger.TaggerWiring;
import java.awt.Color;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Whole-path benchmark of buffered mode: N objects in LocalS3, their S3 notifications in an
 * ElasticMQ buffer queue, and pollers that drain it the way Lambda's SQS event source does (batches
 * of 10, partial batch failures, delete what succeeded), invoking the real {@link TaggerHandler}
 * with a fake provider of fixed latency. Prints objects/s, the ratio of wall time to the ideal
 * (objects x latency / concurrency), and the S3 and SQS calls the function made per object.
 *
 * <p>Run from the repository root, after {@code ./mvnw -B -q -pl benchmarks -am package
 * -DskipTests}: {@code MAIN=io.autotag.benchmarks.BufferedPathBenchmark benchmarks/run.sh [objects]
 * [latencyMs] [pollers] [concurrency]}.
 */
public final class BufferedPathBenchmark {

  private static final ObjectMapper json = new ObjectMapper();
  private static final String REGION = "us-east-1";
  private static final String EVENT_TIME = "2026-01-01T00:00:00.000Z";

  /** The SQS event Lambda's event source mapping would build for this batch. */
  static ObjectNode sqsEvent(List<Message> messages) {
    return LambdaEvents.sqs(
        json, messages, "arn:aws:sqs:" + REGION + ":000000000000:buffer", REGION);
  }

  public static void main(String[] args) throws Exception {
    int objects = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int pollers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    byte[] confident = Files.readAllBytes(Path.of("events/sample.jpg"));
    byte[] unsure = TestImages.png(Color.MAGENTA);

    try (LocalAws aws = LocalAws.start()) {
      FakeClassifier classifier =
          new FakeClassifier()
              .latency(Duration.ofMillis(latencyMs))
              .answer(confident, new Label("cat", 0.93))
              .answer(unsure, new Label("bird", 0.2));
      AwsCallCounter counter = new AwsCallCounter();
      Map<String, String> env = new HashMap<>(aws.env());
      env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
      env.put("AUTOTAG_REVIEW_QUEUE_URL", aws.createQueue("bench-review"));
      env.put("AUTOTAG_CONCURRENCY", Integer.toString(concurrency));
      env.put("AUTOTAG_PRIMING", "false");
      try (TaggerWiring wiring =
          TaggerWiring.create(env, ProviderRegistry.builtIn().with(classifier), counter::clients)) {
        TaggerHandler handler = TaggerHandler.create(wiring);
        String warmBucket = "bench-warmup";
        aws.createBucket(warmBucket, false);
        BareConsumer bare =
            new BareConsumer(
                aws, env.get("AUTOTAG_REVIEW_QUEUE_URL"), latencyMs, concurrency, unsure.length);
        // Warm both paths (JIT, connections) before measuring either.
        run(
            aws,
            batch -> invoke(handler, sqsEvent(batch)),
            warmBucket,
            60,
            confident,
            unsure,
            pollers);
        aws.createBucket("bench-warmup-bare", false);
        run(aws, bare::consume, "bench-warmup-bare", 60, confident, unsure, pollers);
        counter.calls.clear();

        String bucket = "bench";
        aws.createBucket(bucket, false);
        int before = classifier.calls();
        long cpuBefore = processCpuNanos();
        Result result =
            run(
                aws,
                batch -> invoke(handler, sqsEvent(batch)),
                bucket,
                objects,
                confident,
                unsure,
                pollers);
        double cpuMs = (processCpuNanos() - cpuBefore) / 1e6;
        int classified = classifier.calls() - before;

        // Baseline, same run and servers: the same S3 and SQS calls made straight from the SDK with
        // the same concurrency and a sleep for the provider, without autotag's code.
        aws.createBucket("bench-bare", false);
        long bareCpuBefore = processCpuNanos();
        Result baseline =
            run(aws, bare::consume, "bench-bare", objects, confident, unsure, pollers);
        double bareCpuMs = (processCpuNanos() - bareCpuBefore) / 1e6;
        bare.close();

        double ideal = (double) objects * latencyMs / (pollers * concurrency);
        long reviewBatches = counter.count("Sqs.SendMessageBatch");
        System.out.printf(
            Locale.ROOT,
            "objects=%d latency=%dms pollers=%d concurrency/invocation=%d%n"
                + "wall=%.0fms ideal=%.0fms ratio=%.2f throughput=%.1f objects/s%n"
                + "S3 calls/object=%.2f (%s)%n"
                + "SQS calls by the function: %d SendMessageBatch for %d invocations with review"
                + " items (%d review messages)%n"
                + "invocations=%d classified=%d; mean per invocation: handler %.1fms, receive %.1fms%n"
                + "process CPU: %.1f ms/object (2 cores available)%n"
                + "baseline (bare SDK calls, same servers): wall=%.0fms, %.1f ms CPU/object;"
                + " autotag/baseline wall ratio=%.2f%n",
            objects,
            latencyMs,
            pollers,
            concurrency,
            result.wallMs,
            ideal,
            result.wallMs / ideal,
            objects / (result.wallMs / 1000.0),
            (double) counter.total("S3") / objects,
            counter.calls.keySet().stream().filter(k -> k.startsWith("S3.")).sorted().toList(),
            reviewBatches,
            result.invocationsWithReview.get(),
            result.reviewItems.get(),
            result.invocations.get(),
            classified,
            result.handlerNanos.sum() / 1e6 / result.invocations.get(),
            result.pollNanos.sum() / 1e6 / result.invocations.get(),
            cpuMs / objects,
            baseline.wallMs,
            bareCpuMs / objects,
            result.wallMs / baseline.wallMs);
      }
    }
  }

  record Result(
      double wallMs,
      AtomicInteger invocations,
      AtomicInteger invocationsWithReview,
      AtomicInteger reviewItems,
      LongAdder handlerNanos,
      LongAdder pollNanos) {}

  static Result run(
      LocalAws aws,
      Function<List<Message>, JsonNode> consumer,
      String bucket,
      int objects,
      byte[] confident,
      byte[] unsure,
      int pollers)
      throws Exception {
    String queue = aws.createQueue(bucket + "-buffer");
    Set<String> unsureKeys = new HashSet<>();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      String key = "img/" + i + ".jpg";
      boolean isUnsure = i % 5 == 0;
      byte[] body = isUnsure ? unsure : confident;
      if (isUnsure) {
        unsureKeys.add(key);
      }
      String eTag =
          aws.clients()
              .s3()
              .putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body))
              .eTag();
      ObjectRef created =
          ObjectRef.of(bucket, key, null, ObjectRef.unquote(eTag), (long) body.length);
      bodies.add(
          LambdaEvents.s3ObjectCreated(json, REGION, created, EVENT_TIME, String.format("%016X", i))
              .toString());
    }
    aws.sendAll(queue, bodies);

    AtomicInteger remaining = new AtomicInteger(objects);
    AtomicInteger invocations = new AtomicInteger();
    AtomicInteger withReview = new AtomicInteger();
    AtomicInteger reviewItems = new AtomicInteger();
    LongAdder handlerNanos = new LongAdder();
    LongAdder pollNanos = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(pollers);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int p = 0; p < pollers; p++) {
      futures.add(
          pool.submit(
              () -> {
                while (remaining.get() > 0) {
                  long polled = System.nanoTime();
                  List<Message> batch = aws.receive(queue, 1);
                  if (batch.isEmpty()) {
                    continue;
                  }
                  long invoked = System.nanoTime();
                  pollNanos.add(invoked - polled);
                  JsonNode response = consumer.apply(batch);
                  handlerNanos.add(System.nanoTime() - invoked);
                  invocations.incrementAndGet();
                  long unsureInBatch =
                      batch.stream()
                          .filter(
                              m -> unsureKeys.stream().anyMatch(k -> m.body().contains(k + "\"")))
                          .count();
                  if (unsureInBatch > 0) {
                    withReview.incrementAndGet();
                    reviewItems.addAndGet((int) unsureInBatch);
                  }
                  Set<String> failed = new HashSet<>(response.findValuesAsText("itemIdentifier"));
                  List<Message> done =
                      batch.stream().filter(m -> !failed.contains(m.messageId())).toList();
                  aws.deleteAll(queue, done);
                  remaining.addAndGet(-done.size());
                }
                return null;
              }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    double wallMs = (System.nanoTime() - start) / 1e6;
    pool.shutdown();
    return new Result(wallMs, invocations, withReview, reviewItems, handlerNanos, pollNanos);
  }

  static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The least any implementation must do per object on the same servers: read the tags, read the
   * object, wait for the provider, write the tags; then one SendMessageBatch for the batch's review
   * items. Plain SDK calls, no parsing beyond the key, no merging, no logging.
   */
  static final class BareConsumer implements AutoCloseable {
    private final LocalAws aws;
    private final String reviewQueue;
    private final int latencyMs;
    private final int unsureLength;
    private final ExecutorService workers;

    BareConsumer(
        LocalAws aws, String reviewQueue, int latencyMs, int concurrency, int unsureLength) {
      this.aws = aws;
      this.reviewQueue = reviewQueue;
      this.latencyMs = latencyMs;
      this.unsureLength = unsureLength;
      this.workers = Executors.newFixedThreadPool(concurrency);
    }

    JsonNode consume(List<Message> batch) {
      try {
        List<Future<Boolean>> unsure = new ArrayList<>();
        for (Message message : batch) {
          JsonNode object = json.readTree(message.body()).at("/Records/0/s3");
          String bucket = object.at("/bucket/name").asText();
          String key = object.at("/object/key").asText();
          unsure.add(
              workers.submit(
                  () -> {
                    aws.clients().s3().getObjectTagging(b -> b.bucket(bucket).key(key));
                    byte[] body =
                        aws.clients()
                            .s3()
                            .getObjectAsBytes(b -> b.bucket(bucket).key(key))
                            .asByteArray();
                    Thread.sleep(latencyMs);
                    aws.clients()
                        .s3()
                        .putObjectTagging(
                            b ->
                                b.bucket(bucket)
                                    .key(key)
                                    .tagging(
                                        t -> t.tagSet(x -> x.key("autotag:label").value("cat"))));
                    return body.length == unsureLength;
                  }));
        }
        List<SendMessageBatchRequestEntry> reviews = new ArrayList<>();
        for (int i = 0; i < unsure.size(); i++) {
          if (unsure.get(i).get()) {
            reviews.add(
                SendMessageBatchRequestEntry.builder()
                    .id("r" + i)
                    .messageBody("{\"key\":\"" + i + "\"}")
                    .build());
          }
        }
        if (!reviews.isEmpty()) {
          aws.clients().sqs().sendMessageBatch(b -> b.queueUrl(reviewQueue).entries(reviews));
        }
        return json.readTree("{\"batchItemFailures\":[]}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      workers.shutdownNow();
    }
  }

  static JsonNode invoke(TaggerHandler handler, ObjectNode event) {
    return LocalFunction.TAGGER.invoke(handler, "bench", event);
  }
}
