package io.autotag.shared.pipeline;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * How many objects of a batch ended in each {@link Outcome}, plus the objects that must be retried
 * and why. Returned by the functions and logged once per invocation.
 */
public record BatchReport(
    int classified,
    int review,
    int skipped,
    int duplicate,
    int gone,
    int retry,
    List<String> retries) {

  public BatchReport {
    retries = List.copyOf(retries);
  }

  public static BatchReport of(List<ObjectResult> results) {
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    results.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
    List<String> retries =
        results.stream()
            .filter(r -> r.outcome() == Outcome.RETRY)
            .map(r -> r.ref() + " (" + r.detail() + ")")
            .toList();
    return new BatchReport(
        counts.getOrDefault(Outcome.CLASSIFIED, 0),
        counts.getOrDefault(Outcome.REVIEW, 0),
        counts.getOrDefault(Outcome.SKIPPED, 0),
        counts.getOrDefault(Outcome.DUPLICATE, 0),
        counts.getOrDefault(Outcome.GONE, 0),
        counts.getOrDefault(Outcome.RETRY, 0),
        retries);
  }

  /**
   * Adds the counts to a log line as top-level numeric fields ({@code classified}, {@code review},
   * {@code skipped}, {@code duplicate}, {@code gone}, {@code retry}); each retried object has its
   * own {@code object processed} line.
   */
  public LoggingEventBuilder addTo(LoggingEventBuilder line) {
    return line.addKeyValue("classified", classified)
        .addKeyValue("review", review)
        .addKeyValue("skipped", skipped)
        .addKeyValue("duplicate", duplicate)
        .addKeyValue("gone", gone)
        .addKeyValue("retry", retry);
  }

  public int total() {
    return classified + review + skipped + duplicate + gone + retry;
  }

  /** One line for an exception message: how many need a retry and which. */
  public String retrySummary() {
    return retry
        + " of "
        + total()
        + " objects need a retry: "
        + retries.stream().limit(10).collect(Collectors.joining(", "))
        + (retries.size() > 10
            ? String.format(Locale.ROOT, ", and %d more", retries.size() - 10)
            : "");
  }
}
