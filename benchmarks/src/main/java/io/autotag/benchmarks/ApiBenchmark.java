package io.autotag.benchmarks;

import io.autotag.api.ApiHandler;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalApiServer;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.testing.FakeClassifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Warm {@code POST /classify} latency through the local HTTP front against calling the same
 * classifier directly on the same image, in the same run, plus requests per second at two
 * concurrent clients. The classifier is the scripted fake with a fixed latency (default 50 ms, the
 * embedded model's per-image time on one core), so the difference is the API layer: HTTP, event
 * JSON, base64, routing, authentication, response JSON. Run it by hand (docs/api.md gives the
 * command).
 *
 * <p>Arguments: {@code [latencyMs=50] [requests=200] [concurrentSeconds=10]}.
 */
public final class ApiBenchmark {

  private ApiBenchmark() {}

  public static void main(String[] args) throws Exception {
    long latencyMs = args.length > 0 ? Long.parseLong(args[0]) : 50;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;

    byte[] image = ApiFixture.photo();
    FakeClassifier classifier = ApiFixture.scripted(Duration.ofMillis(latencyMs));
    ApiHandler handler = ApiFixture.handler(classifier);
    String body =
        "{\"image\":{\"type\":\"base64\",\"value\":\""
            + Base64.getEncoder().encodeToString(image)
            + "\"}}";
    try (LocalApiServer server =
            LocalApiServer.start(
                handler, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2);
        HttpClient http = HttpClient.newHttpClient()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(server.baseUri() + "/classify"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + ApiFixture.KEY)
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();

      // The same request as API Gateway would hand it to Lambda, for the handler-only series.
      byte[] event =
          ApiFixture.event(
              "POST",
              "/classify",
              LambdaEvents.bearerHeaders(ApiFixture.KEY, "content-type", "application/json"),
              body.getBytes(StandardCharsets.UTF_8),
              false);
      // Warm every path (JIT, connection pool) before measuring any.
      for (int i = 0; i < 30; i++) {
        classifier.classify(ImageInput.Bytes.of(image));
        check(http.send(request, HttpResponse.BodyHandlers.ofString()));
        ApiFixture.invoke(handler, event, 200);
      }
      long[] direct = new long[requests];
      long[] lambda = new long[requests];
      long[] api = new long[requests];
      // Interleaved, so drift in the machine's load hits every series alike.
      for (int i = 0; i < requests; i++) {
        long t0 = System.nanoTime();
        classifier.classify(ImageInput.Bytes.of(image));
        long t1 = System.nanoTime();
        ApiFixture.invoke(handler, event, 200);
        long t2 = System.nanoTime();
        check(http.send(request, HttpResponse.BodyHandlers.ofString()));
        long t3 = System.nanoTime();
        direct[i] = t1 - t0;
        lambda[i] = t2 - t1;
        api[i] = t3 - t2;
      }
      double rps = concurrent(http, request, seconds);

      System.out.printf(
          "image: %d bytes JPEG (%d bytes as base64 JSON), classifier latency %d ms, %d requests%n",
          image.length, body.length(), latencyMs, requests);
      System.out.printf("| path | median ms | p90 ms | mean ms |%n|---|---|---|---|%n");
      row("direct classifier call", direct);
      row("handler only (API Gateway event in, response out)", lambda);
      row("POST /classify via local HTTP front", api);
      System.out.printf(
          "handler adds %.2f ms at the median (%.1f%% of the direct call)%n",
          (median(lambda) - median(direct)) / 1e6,
          (median(lambda) - median(direct)) / median(direct) * 100);
      System.out.printf(
          "local HTTP front + handler add %.2f ms at the median (%.1f%% of the direct call)%n",
          (median(api) - median(direct)) / 1e6,
          (median(api) - median(direct)) / median(direct) * 100);
      System.out.printf("2 concurrent clients for %d s: %.1f requests/s%n", seconds, rps);
    }
  }

  private static double concurrent(HttpClient http, HttpRequest request, int seconds)
      throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(2);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<Integer>> counts = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < 2; c++) {
      counts.add(
          clients.submit(
              () -> {
                int done = 0;
                while (System.nanoTime() < deadline) {
                  check(http.send(request, HttpResponse.BodyHandlers.ofString()));
                  done++;
                }
                return done;
              }));
    }
    int total = 0;
    for (Future<Integer> count : counts) {
      total += count.get();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    clients.shutdown();
    return total / elapsed;
  }

  private static void check(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
  }

  private static void row(String name, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "| %s | %.2f | %.2f | %.2f |%n",
        name,
        median(nanos) / 1e6,
        sorted[(int) (sorted.length * 0.9)] / 1e6,
        Arrays.stream(nanos).average().orElse(0) / 1e6);
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
