package io.autotag.shared.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.autotag.shared.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;
import software.amazon.cloudwatchlogs.emf.sinks.ConsoleSink;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * What the functions count and time, written at the end of each invocation as CloudWatch Embedded
 * Metric Format lines on stdout (one JSON document per combination of dimension values), through
 * AWS's {@code aws-embedded-metrics} library. CloudWatch Logs turns them into metrics in one
 * namespace ({@value #DEFAULT_NAMESPACE} unless {@value #NAMESPACE_VARIABLE} says otherwise):
 *
 * <pre>
 * metric            unit          dimension sets                    from
 * Objects           Count         [Outcome] [Outcome, Reason]       tagger: classified, review,
 *                                                                   skipped, failed, duplicate, gone
 * ClassifyCalls     Count         [Provider] []                     tagger, API: each provider call
 * ClassifyErrors    Count         [Provider] []                     provider-side failures only
 * ClassifyLatency   Milliseconds  [Provider] []
 * Fallbacks         Count         [Provider]                        a chain passed over this provider
 * ReviewMessages    Count         []                                tagger: review messages sent
 * Requests          Count         [Route, StatusClass]              API and review function
 * RequestLatency    Milliseconds  [Route, StatusClass]
 * Verdicts          Count         [Result]                          review function
 * </pre>
 *
 * <p>Dimension values come from small fixed sets (outcomes, reason codes, provider names, route
 * patterns, status classes, error class names), never from a key, URL, label or secret; anything
 * else becomes {@code other}. Counts are summed per invocation; latencies keep every value, so
 * percentiles work. Nothing is written until a handler calls {@link #flush()}: what SnapStart
 * priming records is dropped by {@link #discard()}, so no metric is emitted before the snapshot.
 * Thread-safe: the pipeline records from its workers.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">Embedded
 *     Metric Format specification</a>
 */
public final class Metrics {

  /** {@code auto} (default: on inside Lambda), {@code emf} or {@code off}. */
  public static final String MODE_VARIABLE = "AUTOTAG_METRICS";

  public static final String NAMESPACE_VARIABLE = "AUTOTAG_METRICS_NAMESPACE";
  public static final String DEFAULT_NAMESPACE = "autotag";

  static final String OUTCOME = "Outcome";
  static final String REASON = "Reason";
  static final String PROVIDER = "Provider";
  static final String ROUTE = "Route";
  static final String STATUS_CLASS = "StatusClass";
  static final String RESULT = "Result";

  private static final Logger log = LoggerFactory.getLogger(Metrics.class);
  // The CloudWatch namespace rule the library enforces, checked at start-up instead.
  private static final Pattern NAMESPACE = Pattern.compile("[a-zA-Z0-9._#:/-]{1,255}");
  private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9._/{}#+-]{1,64}");

  private final String namespace;
  private final Environment output;
  private final Environment discarded;
  private Map<Group, Map<String, Values>> pending = new LinkedHashMap<>();

  private Metrics(String namespace, ISink sink) {
    this.namespace = namespace;
    // Off touches none of the library's classes: nothing of it is loaded at all.
    this.output = sink == null ? null : new SinkEnvironment(sink);
    this.discarded = sink == null ? null : new SinkEnvironment(new DiscardingSink());
  }

  /** Metrics that record nothing: local tools, and tests that are not about metrics. */
  public static Metrics off() {
    return new Metrics(null, null);
  }

  /** Metrics written to {@code sink} (a test's capture) in {@code namespace}. */
  public static Metrics emf(String namespace, ISink sink) {
    return new Metrics(namespace, sink);
  }

  /**
   * The metrics the settings ask for, written to stdout, where Lambda sends them to CloudWatch
   * Logs. {@value #MODE_VARIABLE}: {@code auto} turns them on when {@code AWS_LAMBDA_FUNCTION_NAME}
   * is set (in Lambda and {@code sam local}), so the local tool and tests print none.
   */
  public static Metrics from(Settings settings) {
    return from(settings, new ConsoleSink());
  }

  /** The same, written to {@code sink} when on. */
  public static Metrics from(Settings settings, ISink sink) {
    String mode = settings.string(MODE_VARIABLE, "auto").toLowerCase(Locale.ROOT);
    String namespace = settings.string(NAMESPACE_VARIABLE, DEFAULT_NAMESPACE);
    if (!NAMESPACE.matcher(namespace).matches()) {
      settings.problem(
          NAMESPACE_VARIABLE + " must be 1-255 of the characters a-z A-Z 0-9 . _ # : / -");
    }
    boolean on =
        switch (mode) {
          case "emf" -> true;
          case "off" -> false;
          case "auto" -> settings.optional("AWS_LAMBDA_FUNCTION_NAME").isPresent();
          default -> {
            settings.problem(MODE_VARIABLE + " must be auto, emf or off");
            yield false;
          }
        };
    return on ? emf(namespace, sink) : off();
  }

  /** Whether anything is recorded; callers skip wrapping and timing when not. */
  public boolean enabled() {
    return output != null;
  }

  /**
   * One object's end in the tagger: {@code outcome} is {@code classified}, {@code review}, {@code
   * skipped}, {@code failed}, {@code duplicate} or {@code gone}; {@code reason} its code, or null
   * (classified).
   */
  public void object(String outcome, String reason) {
    if (reason == null) {
      count(group(List.of(List.of(OUTCOME)), OUTCOME, outcome), "Objects", 1);
    } else {
      count(
          group(
              List.of(List.of(OUTCOME), List.of(OUTCOME, REASON)),
              OUTCOME,
              outcome,
              REASON,
              reason),
          "Objects",
          1);
    }
  }

  /**
   * One call to a provider: its time, and whether it failed on the provider's side (throttled,
   * down, timed out, refused our credentials) rather than over the image.
   */
  public void classify(String provider, long millis, boolean providerError) {
    Group group = group(List.of(List.of(PROVIDER), List.of()), PROVIDER, provider);
    count(group, "ClassifyCalls", 1);
    count(group, "ClassifyErrors", providerError ? 1 : 0);
    time(group, "ClassifyLatency", millis);
  }

  /** A fallback chain passed over {@code provider} to the next one. */
  public void fallback(String provider) {
    count(group(List.of(List.of(PROVIDER)), PROVIDER, provider), "Fallbacks", 1);
  }

  /** Review messages the tagger queued in one batch. */
  public void reviewMessages(int sent) {
    count(group(List.of(List.of())), "ReviewMessages", sent);
  }

  /**
   * One HTTP request: {@code route} is the route's pattern (never the path a caller sent), the
   * status becomes its class ({@code 2xx}...).
   */
  public void request(String route, int status, long millis) {
    Group group =
        group(
            List.of(List.of(ROUTE, STATUS_CLASS)),
            ROUTE,
            route,
            STATUS_CLASS,
            (status / 100) + "xx");
    count(group, "Requests", 1);
    time(group, "RequestLatency", millis);
  }

  /** What became of one reviewer's verdict. */
  public void verdict(String result) {
    count(group(List.of(List.of(RESULT)), RESULT, result), "Verdicts", 1);
  }

  /** Writes what was recorded since the last flush; never throws. Handlers call it last. */
  public void flush() {
    if (enabled()) {
      write(output);
    }
  }

  /**
   * Serializes what was recorded into a sink that drops it. SnapStart priming calls it after its
   * dry runs, so the EMF code is loaded in the snapshot and nothing the priming did is counted.
   */
  public void discard() {
    if (enabled()) {
      write(discarded);
    }
  }

  /**
   * For SnapStart priming, last: records one of every metric and serializes it, with whatever the
   * priming paths recorded, into a sink that drops it ({@link #discard()}). The EMF code is then
   * loaded in the snapshot, nothing the priming did is counted, and nothing is emitted before the
   * snapshot.
   */
  public void primeAndDiscard() {
    if (!enabled()) {
      return;
    }
    object("classified", null);
    object("skipped", "priming");
    classify("priming", 1, false);
    fallback("priming");
    reviewMessages(1);
    request("/priming", 200, 1);
    verdict("priming");
    discard();
  }

  private void count(Group group, String metric, double value) {
    add(group, metric, value, true);
  }

  private void time(Group group, String metric, long millis) {
    add(group, metric, millis, false);
  }

  private synchronized void add(Group group, String metric, double value, boolean sum) {
    if (!enabled()) {
      return;
    }
    pending
        .computeIfAbsent(group, g -> new LinkedHashMap<>())
        .computeIfAbsent(metric, m -> new Values(sum ? Unit.COUNT : Unit.MILLISECONDS, sum))
        .add(value);
  }

  private void write(Environment environment) {
    Map<Group, Map<String, Values>> batch;
    synchronized (this) {
      if (pending.isEmpty()) {
        return;
      }
      batch = pending;
      pending = new LinkedHashMap<>();
    }
    batch.forEach(
        (group, metrics) -> {
          try {
            // A logger per document, made now: its timestamp is the flush's, not the snapshot's.
            MetricsLogger logger = new MetricsLogger(environment);
            logger.setNamespace(namespace);
            logger.setDimensions(group.dimensionSets());
            for (Map.Entry<String, Values> metric : metrics.entrySet()) {
              metric.getValue().putInto(logger, metric.getKey());
            }
            logger.flush();
          } catch (Exception e) {
            // Metrics never fail an invocation.
            log.atWarn()
                .addKeyValue("error", e.getClass().getSimpleName())
                .log("metrics not written");
          }
        });
  }

  private static Group group(List<List<String>> sets, String... namesAndValues) {
    Map<String, String> dimensions = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      dimensions.put(namesAndValues[i], safe(namesAndValues[i + 1]));
    }
    return new Group(sets, dimensions);
  }

  /** A dimension value from the fixed vocabularies, or {@code other}. */
  static String safe(String value) {
    return value != null && SAFE_VALUE.matcher(value).matches() ? value : "other";
  }

  /** Which dimension sets a document declares, and its dimension values. */
  private record Group(List<List<String>> sets, Map<String, String> dimensions) {

    DimensionSet[] dimensionSets() throws Exception {
      DimensionSet[] result = new DimensionSet[sets.size()];
      for (int i = 0; i < sets.size(); i++) {
        DimensionSet set = new DimensionSet();
        for (String name : sets.get(i)) {
          set.addDimension(name, dimensions.get(name));
        }
        result[i] = set;
      }
      return result;
    }
  }

  /** One metric's values in one document: a running sum, or every value. */
  private static final class Values {
    private final Unit unit;
    private final boolean sum;
    private final List<Double> values = new ArrayList<>();

    Values(Unit unit, boolean sum) {
      this.unit = unit;
      this.sum = sum;
    }

    void add(double value) {
      if (sum && !values.isEmpty()) {
        values.set(0, values.getFirst() + value);
      } else {
        values.add(value);
      }
    }

    void putInto(MetricsLogger logger, String name) throws Exception {
      for (double value : values) {
        logger.putMetric(name, value, unit);
      }
    }
  }

  /** Serializes what it is given, the work of a real flush, and writes nothing. */
  private static final class DiscardingSink implements ISink {
    @Override
    public void accept(MetricsContext context) {
      try {
        context.serialize();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public CompletableFuture<Void> shutdown() {
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * The library's Lambda environment (its properties: function version, log stream, sampled trace
   * id) with the sink of our choosing; dimensions are always set explicitly, so its default
   * dimensions (log group, function name) never apply.
   */
  private static final class SinkEnvironment extends LambdaEnvironment {
    private final ISink sink;

    SinkEnvironment(ISink sink) {
      this.sink = sink;
    }

    @Override
    public ISink getSink() {
      return sink;
    }
  }
}
