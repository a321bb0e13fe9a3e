package io.autotag.shared.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * The aws-embedded-metrics library's sink, captured: every line the library would have printed,
 * each checked against the Embedded Metric Format specification as it arrives, and readable as
 * documents (dimension values, metric values and units, dimension sets).
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">EMF
 *     specification</a>
 */
public final class CapturedMetrics implements ISink {

  /** The units CloudWatch accepts (the spec's {@code StandardUnit}). */
  static final Set<String> UNITS =
      Set.of(
          "Seconds",
          "Microseconds",
          "Milliseconds",
          "Bytes",
          "Kilobytes",
          "Megabytes",
          "Gigabytes",
          "Terabytes",
          "Bits",
          "Kilobits",
          "Megabits",
          "Gigabits",
          "Terabits",
          "Percent",
          "Count",
          "Bytes/Second",
          "Kilobytes/Second",
          "Megabytes/Second",
          "Gigabytes/Second",
          "Terabytes/Second",
          "Bits/Second",
          "Kilobits/Second",
          "Megabits/Second",
          "Gigabits/Second",
          "Terabits/Second",
          "Count/Second",
          "None");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<String> lines = new ArrayList<>();

  /** One EMF document: its namespace, dimension sets, dimension values and metrics. */
  public record Document(
      String namespace,
      List<List<String>> dimensionSets,
      Map<String, String> dimensions,
      Map<String, List<Double>> values,
      Map<String, String> units,
      JsonNode raw) {

    public double sum(String metric) {
      return values.getOrDefault(metric, List.of()).stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  @Override
  public synchronized void accept(MetricsContext context) {
    try {
      for (String line : context.serialize()) {
        check(line);
        lines.add(line);
      }
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    return CompletableFuture.completedFuture(null);
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  public synchronized void clear() {
    lines.clear();
  }

  public List<Document> documents() {
    return lines().stream().map(CapturedMetrics::document).toList();
  }

  /** The documents of {@code metric} whose dimensions include every entry of {@code where}. */
  public List<Document> find(String metric, Map<String, String> where) {
    return documents().stream()
        .filter(d -> d.values().containsKey(metric))
        .filter(d -> d.dimensions().entrySet().containsAll(where.entrySet()))
        .toList();
  }

  /** The sum of {@code metric} over the documents that match {@code where}. */
  public double sum(String metric, Map<String, String> where) {
    return find(metric, where).stream().mapToDouble(d -> d.sum(metric)).sum();
  }

  /**
   * Checks one line against the specification's structure: a JSON object whose {@code _aws} has an
   * integer millisecond {@code Timestamp} and a {@code CloudWatchMetrics} array of directives, each
   * with a {@code Namespace}, {@code Dimensions} (arrays of at most 30 keys, each a string member
   * at the top level) and {@code Metrics} ({@code Name} with a number or an array of at most 100
   * numbers at the top level, and a valid {@code Unit}).
   */
  static void check(String line) {
    assertThat(line).doesNotContain("\n");
    JsonNode root = read(line);
    assertThat(root.isObject()).as("an EMF line is a JSON object: %s", line).isTrue();
    JsonNode aws = root.path("_aws");
    assertThat(aws.path("Timestamp").isIntegralNumber()).as("_aws.Timestamp: %s", line).isTrue();
    long age = System.currentTimeMillis() - aws.path("Timestamp").asLong();
    assertThat(age).as("timestamp is now, not a snapshot's").isBetween(-60_000L, 3_600_000L);
    JsonNode directives = aws.path("CloudWatchMetrics");
    assertThat(directives.isArray() && !directives.isEmpty()).as("CloudWatchMetrics").isTrue();
    for (JsonNode directive : directives) {
      assertThat(directive.path("Namespace").isTextual()).as("Namespace").isTrue();
      assertThat(directive.path("Namespace").asText()).matches("[a-zA-Z0-9._#:/-]{1,255}");
      JsonNode dimensions = directive.path("Dimensions");
      assertThat(dimensions.isArray()).as("Dimensions: %s", line).isTrue();
      for (JsonNode set : dimensions) {
        assertThat(set.isArray()).as("a dimension set is an array").isTrue();
        assertThat(set.size()).isLessThanOrEqualTo(30);
        for (JsonNode key : set) {
          assertThat(root.path(key.asText()).isTextual())
              .as("dimension %s is a string member at the top level: %s", key, line)
              .isTrue();
        }
      }
      JsonNode metrics = directive.path("Metrics");
      assertThat(metrics.isArray() && !metrics.isEmpty()).as("Metrics").isTrue();
      assertThat(metrics.size()).isLessThanOrEqualTo(100);
      for (JsonNode metric : metrics) {
        String name = metric.path("Name").asText();
        assertThat(name).isNotBlank();
        assertThat(UNITS).as("unit of %s", name).contains(metric.path("Unit").asText());
        JsonNode value = root.path(name);
        if (value.isArray()) {
          assertThat(value.size()).isBetween(1, 100);
          value.forEach(v -> assertThat(v.isNumber()).as("%s values", name).isTrue());
        } else {
          assertThat(value.isNumber())
              .as("%s is a number at the top level: %s", name, line)
              .isTrue();
        }
      }
    }
  }

  private static Document document(String line) {
    JsonNode root = read(line);
    JsonNode directive = root.path("_aws").path("CloudWatchMetrics").path(0);
    List<List<String>> sets = new ArrayList<>();
    Map<String, String> dimensions = new LinkedHashMap<>();
    for (JsonNode set : directive.path("Dimensions")) {
      List<String> keys = new ArrayList<>();
      set.forEach(key -> keys.add(key.asText()));
      keys.forEach(key -> dimensions.put(key, root.path(key).asText()));
      sets.add(keys);
    }
    Map<String, List<Double>> values = new LinkedHashMap<>();
    Map<String, String> units = new LinkedHashMap<>();
    for (JsonNode metric : directive.path("Metrics")) {
      String name = metric.path("Name").asText();
      units.put(name, metric.path("Unit").asText());
      JsonNode value = root.path(name);
      List<Double> list = new ArrayList<>();
      if (value.isArray()) {
        for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
          list.add(it.next().asDouble());
        }
      } else {
        list.add(value.asDouble());
      }
      values.put(name, list);
    }
    return new Document(
        directive.path("Namespace").asText(), sets, dimensions, values, units, root);
  }

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
