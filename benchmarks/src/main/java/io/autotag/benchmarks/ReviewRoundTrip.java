package io.autotag.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.local.HeadlessChromium;
import io.autotag.local.LocalApiServer;
import io.autotag.review.ReviewHandler;
import io.autotag.review.ReviewWiring;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.review.SqsReviewQueue;
import io.autotag.shared.secrets.KeyHashes;
import io.autotag.shared.testing.LocalAws;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The review function's local figures, each against the bare SDK calls that do the same job on the
 * same emulators (LocalS3 and ElasticMQ in this JVM), measured in the same run:
 *
 * <ul>
 *   <li>verdict round trip: {@code POST /review/api/verdict} through the local HTTP front until the
 *       answer (tags written, feedback written, message deleted), against a bare {@code
 *       PutObjectTagging} + {@code DeleteMessage} of a message received straight from a twin queue;
 *       the two alternate item by item, so both see the same load;
 *   <li>page time to first item: a fresh load of {@code /review} in headless Chromium until the
 *       first photo is decoded (the page's {@code autotag-first-photo} mark), against a bare {@code
 *       ReceiveMessage} + {@code GetObject} of the image (the least any client must do to show
 *       one).
 * </ul>
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * MAIN=io.autotag.benchmarks.ReviewRoundTrip benchmarks/run.sh [rounds of 10 verdicts] [page loads]
 * </pre>
 */
public final class ReviewRoundTrip {

  private static final String KEY = "benchmark-reviewer-key";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AwsClients aws;
  private final String reviewQueue;
  private final String baselineQueue;
  private final byte[] photo;
  private final URI page;
  private final HttpClient http = HttpClient.newHttpClient();
  private int seeded;

  private ReviewRoundTrip(
      AwsClients aws, String reviewQueue, String baselineQueue, byte[] photo, URI page) {
    this.aws = aws;
    this.reviewQueue = reviewQueue;
    this.baselineQueue = baselineQueue;
    this.photo = photo;
    this.page = page;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int loads = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    byte[] photo = Files.readAllBytes(Path.of("events/sample.jpg"));
    try (LocalAws emulators = LocalAws.start()) {
      AwsClients admin = emulators.clients();
      Map<String, String> env = new HashMap<>(emulators.env());
      admin.s3().createBucket(b -> b.bucket("photos"));
      admin.s3().createBucket(b -> b.bucket("feedback"));
      String review = fifo(admin, "review");
      String baseline = fifo(admin, "baseline");
      env.put("AUTOTAG_REVIEW_QUEUE_URL", review);
      env.put("AUTOTAG_REVIEWER_KEYS", "bench=" + KeyHashes.sha256Hex(KEY));
      env.put("AUTOTAG_REVIEW_TOKEN_KEY", "benchmark-token-key-0123456789abcdef");
      env.put("AUTOTAG_FEEDBACK_BUCKET", "feedback");
      env.put("AUTOTAG_REVIEW_WAIT_SECONDS", "0");
      env.put("AUTOTAG_PRIMING", "false");
      try (ReviewWiring wiring = ReviewWiring.create(env, LocalAws::clients);
          LocalApiServer server =
              LocalApiServer.start(
                  ReviewHandler.create(wiring),
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                  4)) {
        ReviewRoundTrip bench =
            new ReviewRoundTrip(
                admin, review, baseline, photo, server.baseUri().resolve("/review"));
        bench.verdicts(1); // warm-up: class loading, JIT, connections
        Result verdicts = bench.verdicts(rounds);
        System.out.println(verdicts.report("verdict round trip", "PutObjectTagging+DeleteMessage"));
        Result pages = bench.pages(loads);
        if (pages != null) {
          System.out.println(pages.report("page time to first item", "ReceiveMessage+GetObject"));
        }
      }
    }
  }

  /** Timings in milliseconds of the measured thing and of its baseline. */
  record Result(List<Double> measured, List<Double> baseline) {
    String report(String what, String baselineName) {
      double p50 = percentile(measured, 50);
      double p95 = percentile(measured, 95);
      double b50 = percentile(baseline, 50);
      double b95 = percentile(baseline, 95);
      return String.format(
          Locale.ROOT,
          "%s (n=%d): p50 %.1f ms, p95 %.1f ms | %s: p50 %.1f ms, p95 %.1f ms | ratio p50 %.2fx,"
              + " p95 %.2fx",
          what,
          measured.size(),
          p50,
          p95,
          baselineName,
          b50,
          b95,
          p50 / b50,
          p95 / b95);
    }
  }

  private Result verdicts(int rounds) throws Exception {
    List<Double> measured = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < 10; i++) {
        seed(reviewQueue);
        seed(baselineQueue);
      }
      JsonNode items = post("/review/api/claim", "{\"count\":10}").path("items");
      List<Message> messages =
          aws.sqs()
              .receiveMessage(
                  b -> b.queueUrl(baselineQueue).maxNumberOfMessages(10).visibilityTimeout(300))
              .messages();
      int n = Math.min(items.size(), messages.size());
      for (int i = 0; i < n; i++) {
        String body =
            "{\"token\":"
                + JSON.writeValueAsString(items.get(i).path("token").asText())
                + ",\"labels\":[\"cat\"]}";
        long start = System.nanoTime();
        JsonNode answer = post("/review/api/verdict", body);
        measured.add((System.nanoTime() - start) / 1e6);
        if (!"recorded".equals(answer.path("result").asText())) {
          throw new IllegalStateException("verdict not recorded: " + answer);
        }
        Message message = messages.get(i);
        ReviewMessage parsed = JSON.readValue(message.body(), ReviewMessage.class);
        start = System.nanoTime();
        aws.s3()
            .putObjectTagging(
                b ->
                    b.bucket(parsed.bucket())
                        .key(parsed.key())
                        .tagging(
                            t ->
                                t.tagSet(
                                    tag("autotag:status", "reviewed"),
                                    tag("autotag:label", "cat"),
                                    tag("autotag:etag", parsed.eTag()),
                                    tag("autotag:labels", "cat"),
                                    tag("autotag:reviewer", "bench"),
                                    tag("autotag:reviewed", Instant.now().toString()))));
        aws.sqs()
            .deleteMessage(b -> b.queueUrl(baselineQueue).receiptHandle(message.receiptHandle()));
        baseline.add((System.nanoTime() - start) / 1e6);
      }
    }
    return new Result(measured, baseline);
  }

  private Result pages(int loads) throws Exception {
    if (HeadlessChromium.missing().isPresent()) {
      System.out.println(
          "page time to first item: skipped ("
              + HeadlessChromium.missing().get()
              + "; "
              + HeadlessChromium.INSTALL
              + ")");
      return null;
    }
    ChromeDriver driver =
        HeadlessChromium.start(Files.createTempDirectory("autotag-bench-chromium"));
    List<Double> measured = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    try {
      driver.get(page.toString());
      ((JavascriptExecutor) driver)
          .executeScript(
              "sessionStorage.setItem('autotag.review.credential', JSON.stringify({kind: 'key',"
                  + " key: arguments[0]}))",
              KEY);
      for (int load = 0; load <= loads; load++) {
        seed(reviewQueue);
        seed(reviewQueue);
        driver.get("about:blank"); // the previous page gives its items back on the way out
        drainUntilEmpty();
        seed(reviewQueue);
        seed(reviewQueue);
        driver.get(page.toString());
        double ms = firstPhotoMark(driver);
        if (load > 0) { // the first load warms the browser's caches
          measured.add(ms);
        }
        // The bare minimum to show one item, on the same servers.
        seed(baselineQueue);
        long start = System.nanoTime();
        Message message =
            aws.sqs()
                .receiveMessage(b -> b.queueUrl(baselineQueue).maxNumberOfMessages(1))
                .messages()
                .getFirst();
        ReviewMessage parsed = JSON.readValue(message.body(), ReviewMessage.class);
        aws.s3().getObjectAsBytes(b -> b.bucket(parsed.bucket()).key(parsed.key()));
        if (load > 0) {
          baseline.add((System.nanoTime() - start) / 1e6);
        }
        aws.sqs()
            .deleteMessage(b -> b.queueUrl(baselineQueue).receiptHandle(message.receiptHandle()));
      }
    } finally {
      driver.quit();
    }
    return new Result(measured, baseline);
  }

  private static double firstPhotoMark(ChromeDriver driver) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Object mark =
          driver.executeScript(
              "const m = performance.getEntriesByName('autotag-first-photo');"
                  + " return m.length ? m[0].startTime : null;");
      if (mark instanceof Number ms) {
        return ms.doubleValue();
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the page showed no photo within 60 s");
  }

  /** Messages the page released are visible again: take them all out. */
  private void drainUntilEmpty() throws InterruptedException {
    Thread.sleep(300);
    while (true) {
      List<Message> batch =
          aws.sqs().receiveMessage(b -> b.queueUrl(reviewQueue).maxNumberOfMessages(10)).messages();
      if (batch.isEmpty()) {
        long inFlight =
            Long.parseLong(
                aws.sqs()
                    .getQueueAttributes(
                        b ->
                            b.queueUrl(reviewQueue)
                                .attributeNames(
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        if (inFlight == 0) {
          return;
        }
        Thread.sleep(100);
        continue;
      }
      for (Message m : batch) {
        aws.sqs().deleteMessage(b -> b.queueUrl(reviewQueue).receiptHandle(m.receiptHandle()));
      }
    }
  }

  /** An object as the tagger leaves it for review: photo, review tags, review message. */
  private void seed(String queue) {
    String key = "bench/photo-" + (seeded++) + ".jpg";
    String eTag =
        aws.s3()
            .putObject(b -> b.bucket("photos").key(key), RequestBody.fromBytes(photo))
            .eTag()
            .replace("\"", "");
    aws.s3()
        .putObjectTagging(
            b ->
                b.bucket("photos")
                    .key(key)
                    .tagging(
                        t -> t.tagSet(tag("autotag:status", "review"), tag("autotag:etag", eTag))));
    Map<Integer, String> failed =
        new SqsReviewQueue(aws.sqs(), queue, JSON)
            .sendAll(
                List.of(
                    new ReviewMessage(
                        ReviewMessage.SCHEMA,
                        "photos",
                        key,
                        null,
                        eTag,
                        (long) photo.length,
                        "image/jpeg",
                        "onnx",
                        "coco80",
                        List.of(
                            new ReviewMessage.Prediction("cat", 0.64),
                            new ReviewMessage.Prediction("dog", 0.47)),
                        0.9,
                        "low-confidence",
                        Instant.now().toString())));
    if (!failed.isEmpty()) {
      throw new IllegalStateException("seeding failed: " + failed);
    }
  }

  private JsonNode post(String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(page.resolve(path))
                .header("authorization", "Bearer " + KEY)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static String fifo(AwsClients aws, String name) {
    return aws.sqs()
        .createQueue(
            b ->
                b.queueName(name + ".fifo")
                    .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
        .queueUrl();
  }

  static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
