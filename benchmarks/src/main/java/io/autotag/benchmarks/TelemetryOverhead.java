package io.autotag.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.autotag.local.LocalFunction;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.tagger.TaggerHandler;
import io.autotag.tagger.TaggerWiring;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import software.amazon.cloudwatchlogs.emf.sinks.ConsoleSink;

/**
 * Warm invocations of the tagger with its metrics and logs on against the same with both off, in
 * one JVM and in pairs: each round invokes one handler then the other (the order alternates), so
 * both see the same background load, and the ratio of the two medians is reported. Both handlers
 * are the real tagger (embedded model, S3 through the stub server {@code telemetry-overhead.sh}
 * starts): "on" records EMF metrics ({@code AUTOTAG_METRICS=emf}) and logs at INFO through the
 * function's own {@code logback.xml}; "off" has {@code AUTOTAG_METRICS=off} and the root logger
 * OFF. Both write to stdout, which the script sends to {@code /dev/null}, as Lambda sends it to its
 * log pipe; the report goes to stderr.
 *
 * <p>usage: {@code TelemetryOverhead OBJECT_SIZE [ROUNDS]}
 */
public final class TelemetryOverhead {

  private TelemetryOverhead() {}

  public static void main(String[] args) throws Exception {
    int size = Integer.parseInt(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    byte[] event =
        """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
        "eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"photos"},
        "object":{"key":"warm/photo.jpg","size":%d,"eTag":"0"}}}]}"""
            .formatted(size)
            .getBytes(StandardCharsets.UTF_8);
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    try (TaggerWiring on = wiring("emf");
        TaggerWiring off = wiring("off")) {
      TaggerHandler withTelemetry = TaggerHandler.create(on);
      TaggerHandler without = TaggerHandler.create(off);
      long[] onNanos = new long[rounds];
      long[] offNanos = new long[rounds];
      for (int i = -20; i < rounds; i++) { // 20 rounds of warm-up
        long a;
        long b;
        if ((i & 1) == 0) {
          a = invoke(withTelemetry, event, root, Level.INFO);
          b = invoke(without, event, root, Level.OFF);
        } else {
          b = invoke(without, event, root, Level.OFF);
          a = invoke(withTelemetry, event, root, Level.INFO);
        }
        if (i >= 0) {
          onNanos[i] = a;
          offNanos[i] = b;
        }
      }
      double onMs = median(onNanos) / 1e6;
      double offMs = median(offNanos) / 1e6;
      System.err.printf(
          Locale.ROOT,
          "warm invoke, %d pairs: metrics+logs on median %.3f ms, off %.3f ms, ratio %.4fx"
              + " (%+.3f ms); p90 on %.3f, off %.3f%n",
          rounds,
          onMs,
          offMs,
          onMs / offMs,
          onMs - offMs,
          percentile(onNanos, 0.9) / 1e6,
          percentile(offNanos, 0.9) / 1e6);
      // The pairs above differ by less than the machine's noise: time the telemetry of one
      // invocation alone too, against the same median invocation.
      root.setLevel(Level.INFO);
      double telemetryMs = telemetryOfOneInvocation(rounds * 10) / 1e6;
      System.err.printf(
          Locale.ROOT,
          "telemetry of one invocation alone (4 log lines, 2 EMF documents): median %.4f ms,"
              + " %.2f%% of the median invocation with it off%n",
          telemetryMs,
          100 * telemetryMs / offMs);
    }
  }

  /**
   * What one single-object invocation adds, done {@code times} times: the tagger's log lines (a
   * classification, the object, the invocation's counts, at INFO through the configured encoder to
   * stdout) and its metrics (an object, a provider call, recorded and flushed to stdout as EMF).
   * Returns the median nanoseconds of one.
   */
  private static double telemetryOfOneInvocation(int times) {
    var log = LoggerFactory.getLogger("io.autotag.shared.pipeline.TaggingPipeline");
    Metrics metrics = Metrics.emf("autotag/benchmark", new ConsoleSink());
    long[] nanos = new long[times];
    for (int i = -times / 10; i < times; i++) {
      long start = System.nanoTime();
      log.atInfo()
          .addKeyValue("bucket", "photos")
          .addKeyValue("key", "warm/photo.jpg")
          .addKeyValue("provider", "onnx")
          .addKeyValue("ms", 140L)
          .addKeyValue("label", "cat")
          .addKeyValue("confidence", 0.93)
          .log("classification");
      log.atInfo()
          .addKeyValue("bucket", "photos")
          .addKeyValue("key", "warm/photo.jpg")
          .addKeyValue("outcome", "classified")
          .addKeyValue("label", "cat")
          .log("object processed");
      log.atInfo()
          .addKeyValue("classified", 1)
          .addKeyValue("review", 0)
          .addKeyValue("skipped", 0)
          .log("invocation done");
      log.atInfo().addKeyValue("status", 200).log("response");
      metrics.classify("onnx", 140, false);
      metrics.object("classified", null);
      metrics.flush();
      if (i >= 0) {
        nanos[i] = System.nanoTime() - start;
      }
    }
    return median(nanos);
  }

  private static TaggerWiring wiring(String metrics) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("AUTOTAG_METRICS", metrics);
    env.put("AUTOTAG_PRIMING", "false");
    return TaggerWiring.create(env, ProviderRegistry.builtIn(), AwsClients::create);
  }

  private static long invoke(TaggerHandler handler, byte[] event, Logger root, Level level)
      throws Exception {
    root.setLevel(level);
    long start = System.nanoTime();
    LocalFunction.TAGGER.invoke(handler, "warm", event);
    return System.nanoTime() - start;
  }

  private static double median(long[] values) {
    return percentile(values, 0.5);
  }

  private static double percentile(long[] values, double p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
  }
}
