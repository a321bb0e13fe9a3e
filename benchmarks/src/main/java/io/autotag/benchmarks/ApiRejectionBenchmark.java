package io.autotag.benchmarks;

import io.autotag.api.ApiHandler;
import io.autotag.local.LambdaEvents;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * What a request with a bad API key costs the function, warm, against the cheapest invocation
 * ({@code GET /health}) and a successful classification, interleaved in the same run: the figure
 * behind the decision not to put a Lambda authorizer in front of the API (docs/deploy.md). The
 * image is the 640x480 JPEG of {@link ApiBenchmark} sent raw, base64-encoded by API Gateway as
 * payload 2.0 does; the classifier is the scripted fake with no latency. Run it by hand
 * (docs/deploy.md gives the command).
 *
 * <p>Arguments: {@code [rounds=2000]}.
 */
public final class ApiRejectionBenchmark {

  private ApiRejectionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    byte[] image = ApiFixture.photo();
    ApiHandler handler = ApiFixture.handler(ApiFixture.scripted(Duration.ZERO));
    byte[] health = event("GET", Map.of(), null);
    byte[] noKey = event("POST", Map.of("content-type", "image/jpeg"), image);
    byte[] badKey =
        event(
            "POST",
            Map.of(
                "content-type", "image/jpeg", "authorization", "Bearer not-a-valid-key-0123456789"),
            image);
    byte[] goodKey =
        event(
            "POST",
            LambdaEvents.bearerHeaders(ApiFixture.KEY, "content-type", "image/jpeg"),
            image);

    for (int i = 0; i < 500; i++) {
      invoke(handler, health, 200);
      invoke(handler, noKey, 401);
      invoke(handler, badKey, 401);
      invoke(handler, goodKey, 200);
    }
    long[][] nanos = new long[4][rounds];
    for (int i = 0; i < rounds; i++) {
      nanos[0][i] = invoke(handler, health, 200);
      nanos[1][i] = invoke(handler, noKey, 401);
      nanos[2][i] = invoke(handler, badKey, 401);
      nanos[3][i] = invoke(handler, goodKey, 200);
    }
    System.out.printf(
        "image %d bytes (event %d bytes), %d interleaved rounds%n",
        image.length, goodKey.length, rounds);
    System.out.printf("| request | median us | p90 us | x health |%n|---|---|---|---|%n");
    String[] names = {
      "GET /health",
      "POST /classify, no key (401)",
      "POST /classify, bad key (401)",
      "POST /classify, good key, classified (200)"
    };
    for (int s = 0; s < 4; s++) {
      System.out.printf(
          "| %s | %.1f | %.1f | %.2f |%n",
          names[s],
          median(nanos[s]) / 1e3,
          percentile(nanos[s], 0.9) / 1e3,
          median(nanos[s]) / median(nanos[0]));
    }
    System.out.printf(
        "a bad-key rejection takes %.1f%% of Lambda's 1 ms billing minimum and %.1f%% of a"
            + " classified request's handler time%n",
        median(nanos[2]) / 1e6 * 100, median(nanos[2]) / median(nanos[3]) * 100);
  }

  private static byte[] event(String method, Map<String, String> headers, byte[] body) {
    String path = body == null ? "/health" : "/classify";
    return ApiFixture.event(method, path, headers, body, body != null);
  }

  private static long invoke(ApiHandler handler, byte[] event, int status) throws Exception {
    long start = System.nanoTime();
    ApiFixture.invoke(handler, event, status);
    return System.nanoTime() - start;
  }

  private static double median(long[] nanos) {
    return percentile(nanos, 0.5);
  }

  private static double percentile(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[(int) (sorted.length * p)];
  }
}
