package io.autotag.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * What {@code serve}'s status line shows: the local tagger's outcome counts since start, read from
 * its own EMF metrics (this is their sink: the {@code Objects} metric by {@code Outcome}, the same
 * numbers CloudWatch gets in AWS), and a snapshot of the queues' depths.
 */
final class LocalStatus implements ISink {

  /** Every outcome the tagger counts, in the order the line shows them. */
  static final List<String> OUTCOMES =
      List.of("classified", "review", "skipped", "failed", "duplicate", "gone");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Long> outcomes = new ConcurrentHashMap<>();

  /** One look at the stack: queue depths (in flight included), dead letters, outcome counts. */
  record Snapshot(
      int buffer,
      int bufferInFlight,
      int review,
      int bufferDeadLetters,
      int reviewDeadLetters,
      Map<String, Long> outcomes) {

    /** The status line, without a time. */
    String line() {
      return String.format(
          "queues: buffer %d (%d in flight), review %d | dead letters: buffer %d, review %d"
              + " | objects since start: %s",
          buffer,
          bufferInFlight,
          review,
          bufferDeadLetters,
          reviewDeadLetters,
          outcomes.entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")));
    }
  }

  /** The outcome counts since start, every outcome present (0 when none yet). */
  Map<String, Long> outcomes() {
    Map<String, Long> counts = new LinkedHashMap<>();
    OUTCOMES.forEach(outcome -> counts.put(outcome, outcomes.getOrDefault(outcome, 0L)));
    return counts;
  }

  @Override
  public void accept(MetricsContext context) {
    try {
      for (String line : context.serialize()) {
        JsonNode document = JSON.readTree(line);
        JsonNode objects = document.path("Objects");
        String outcome = document.path("Outcome").asText("");
        if (!outcome.isEmpty() && !objects.isMissingNode()) {
          outcomes.merge(outcome, sum(objects), Long::sum);
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the metrics library wrote invalid JSON", e);
    }
  }

  private static long sum(JsonNode values) {
    if (!values.isArray()) {
      return values.asLong();
    }
    long total = 0;
    for (JsonNode value : values) {
      total += value.asLong();
    }
    return total;
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    return CompletableFuture.completedFuture(null);
  }
}
