package io.autotag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads a finished job's completion report and counts what the tagger answered: the top-level
 * {@code manifest.json} under {@code <prefix>/job-<id>/} names the result CSV files, whose rows are
 * {@code Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage}. The result
 * message of a succeeded task is the tagger's result string ({@code classified}, {@code
 * review:<reason>}, {@code skipped:<reason>}, {@code duplicate}, {@code gone}). Rows are streamed,
 * so a report of millions of tasks is counted without being held.
 *
 * <p>AWS's example rows put the HTTP status before the error code ({@code ...,failed,200,
 * PermanentFailure,"..."}) while the schema line names them the other way round; the error code is
 * taken as whichever of the two is not a number.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html">Examples:
 *     S3 Batch Operations completion reports</a>
 */
final class CompletionReport {

  static final int SAMPLE_FAILURES = 20;

  /** Counts by outcome and reason, and a sample of failed tasks. */
  record Summary(
      String location,
      long succeeded,
      long failed,
      Map<String, Long> outcomes,
      Map<String, Long> reasons,
      Map<String, Long> failures,
      List<String> failedSample) {}

  private final S3Client s3;
  private final ObjectMapper json = new ObjectMapper();

  CompletionReport(S3Client s3) {
    this.s3 = s3;
  }

  /** The report of {@code jobId} written under {@code prefix} in {@code bucket}. */
  Summary read(String bucket, String prefix, String jobId) {
    String folder =
        (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/") + "job-" + jobId;
    JsonNode manifest;
    try (var in = s3.getObject(b -> b.bucket(bucket).key(folder + "/manifest.json"))) {
      manifest = json.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the report's manifest.json", e);
    }
    Counter counter = new Counter();
    for (JsonNode result : manifest.path("Results")) {
      String resultBucket = result.path("Bucket").asText(bucket);
      String key = result.path("Key").asText();
      try (var in = s3.getObject(b -> b.bucket(resultBucket).key(key));
          BufferedReader reader =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        Csv.rows(reader, counter);
      } catch (IOException e) {
        throw new UncheckedIOException("reading the report file " + key, e);
      }
    }
    return new Summary(
        "s3://" + bucket + "/" + folder + "/",
        counter.succeeded,
        counter.failed,
        counter.outcomes,
        counter.reasons,
        counter.failures,
        List.copyOf(counter.failedSample));
  }

  /** Tallies report rows. */
  static final class Counter implements Consumer<List<String>> {
    long succeeded;
    long failed;
    final Map<String, Long> outcomes = new TreeMap<>();
    final Map<String, Long> reasons = new TreeMap<>();
    final Map<String, Long> failures = new TreeMap<>();
    final List<String> failedSample = new ArrayList<>();

    @Override
    public void accept(List<String> row) {
      if (row.size() < 7) {
        return;
      }
      String status = row.get(3).toLowerCase(Locale.ROOT);
      String message = row.get(row.size() - 1);
      if (status.equals("succeeded")) {
        succeeded++;
        int colon = message.indexOf(':');
        String outcome = colon < 0 ? message : message.substring(0, colon);
        outcomes.merge(outcome.isEmpty() ? "(none)" : outcome, 1L, Long::sum);
        if (colon >= 0) {
          reasons.merge(message, 1L, Long::sum);
        }
        return;
      }
      failed++;
      String code = isNumber(row.get(4)) ? row.get(5) : row.get(4);
      String why = (code + " " + shorten(message)).strip();
      failures.merge(why, 1L, Long::sum);
      if (failedSample.size() < SAMPLE_FAILURES) {
        String version = row.get(2).isEmpty() ? "" : "?versionId=" + row.get(2);
        failedSample.add("s3://" + row.get(0) + "/" + row.get(1) + version + " (" + why + ")");
      }
    }

    private static boolean isNumber(String text) {
      return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }

    private static String shorten(String message) {
      return message.length() <= 100 ? message : message.substring(0, 97) + "...";
    }
  }

  /** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
  static final class Csv {
    private Csv() {}

    static void rows(BufferedReader in, Consumer<List<String>> sink) throws IOException {
      List<String> row = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean any = false;
      int c;
      while ((c = in.read()) != -1) {
        any = true;
        if (quoted) {
          if (c == '"') {
            in.mark(1);
            int next = in.read();
            if (next == '"') {
              field.append('"');
            } else {
              quoted = false;
              if (next != -1) {
                in.reset();
              }
            }
          } else {
            field.append((char) c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          row.add(field.toString());
          field.setLength(0);
        } else if (c == '\n' || c == '\r') {
          if (c == '\r') {
            in.mark(1);
            if (in.read() != '\n') {
              in.reset();
            }
          }
          row.add(field.toString());
          field.setLength(0);
          sink.accept(row);
          row = new ArrayList<>();
          any = false;
        } else {
          field.append((char) c);
        }
      }
      if (any) {
        row.add(field.toString());
        sink.accept(row);
      }
    }
  }
}
