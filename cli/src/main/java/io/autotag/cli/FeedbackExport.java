package io.autotag.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.review.Feedback;
import io.autotag.shared.review.ReviewMessage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Turns the review function's feedback objects ({@code <prefix>date=YYYY-MM-DD/*.json}, schema
 * {@code autotag.feedback/1}) into a dataset: one verdict per object version (the latest, when a
 * version was judged more than once), written as {@code manifest.jsonl} and {@code manifest.csv},
 * per-label counts ({@code labels.csv}), the model-vs-human confusion table ({@code confusion.csv})
 * and, on request, the images copied into one folder per label ({@code images/<label>/}), the
 * layout Roboflow and most training tools import for classification.
 */
final class FeedbackExport {

  static final String NONE = "(none of these)";
  static final String NO_PREDICTION = "(no prediction)";
  static final String NONE_FOLDER = "_none";
  private static final Pattern DAY = Pattern.compile("date=(\\d{4}-\\d{2}-\\d{2})/[^/]+\\.json$");

  /**
   * What to export.
   *
   * @param since first day (UTC) to include, or {@link LocalDate#MIN}
   * @param until last day (UTC) to include, or {@link LocalDate#MAX}
   * @param images whether to copy the images into {@code images/<label>/}
   * @param includeNone whether "none of these" images go to {@code images/_none/}
   */
  record Options(
      String bucket,
      String prefix,
      LocalDate since,
      LocalDate until,
      Path out,
      boolean images,
      boolean includeNone) {}

  /** What the export found and wrote. */
  record Summary(
      int files,
      int verdicts,
      int superseded,
      int unreadable,
      int images,
      int missingImages,
      Map<String, Integer> labels) {}

  private final S3Client s3;
  private final ObjectMapper json =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final int concurrency;

  FeedbackExport(S3Client s3, int concurrency) {
    this.s3 = s3;
    this.concurrency = concurrency;
  }

  Summary run(Options options) throws IOException, InterruptedException {
    List<String> keys = list(options);
    List<Optional<Feedback>> read = readAll(options.bucket(), keys);
    int unreadable = (int) read.stream().filter(Optional::isEmpty).count();
    Map<String, Feedback> latest = new LinkedHashMap<>();
    for (Optional<Feedback> feedback : read) {
      feedback.ifPresent(f -> latest.merge(f.identity(), f, FeedbackExport::later));
    }
    List<Feedback> verdicts = new ArrayList<>(latest.values());
    verdicts.sort(Comparator.comparing(Feedback::reviewedAt).thenComparing(Feedback::key));
    Files.createDirectories(options.out());
    Map<String, Integer> labels = countLabels(verdicts);
    int[] copied = {0, 0};
    Map<Feedback, String> imagePaths = new LinkedHashMap<>();
    if (options.images()) {
      for (Feedback verdict : verdicts) {
        copyImage(verdict, options, copied).ifPresent(path -> imagePaths.put(verdict, path));
      }
    }
    writeManifests(options.out(), verdicts, imagePaths);
    writeLabels(options.out().resolve("labels.csv"), labels);
    writeConfusion(options.out().resolve("confusion.csv"), verdicts);
    return new Summary(
        keys.size(),
        verdicts.size(),
        read.size() - unreadable - verdicts.size(),
        unreadable,
        copied[0],
        copied[1],
        labels);
  }

  private static Feedback later(Feedback a, Feedback b) {
    return Instant.parse(b.reviewedAt()).isAfter(Instant.parse(a.reviewedAt())) ? b : a;
  }

  private List<String> list(Options options) {
    String partitions = options.prefix() + "date=";
    List<String> keys = new ArrayList<>();
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page =
          s3.listObjectsV2(
              b -> b.bucket(options.bucket()).prefix(partitions).continuationToken(continuation));
      for (S3Object object : page.contents()) {
        Matcher day = DAY.matcher(object.key());
        if (day.find() && within(day.group(1), options)) {
          keys.add(object.key());
        }
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return keys;
  }

  private static boolean within(String day, Options options) {
    try {
      LocalDate date = LocalDate.parse(day);
      return !date.isBefore(options.since()) && !date.isAfter(options.until());
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private List<Optional<Feedback>> readAll(String bucket, List<String> keys)
      throws InterruptedException {
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<Optional<Feedback>>> futures = new ArrayList<>();
      for (String key : keys) {
        futures.add(workers.submit(() -> read(bucket, key)));
      }
      List<Optional<Feedback>> all = new ArrayList<>();
      for (Future<Optional<Feedback>> future : futures) {
        try {
          all.add(future.get());
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
      return all;
    } finally {
      workers.shutdownNow();
    }
  }

  private Optional<Feedback> read(String bucket, String key) {
    try {
      byte[] body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
      Feedback feedback = json.readValue(body, Feedback.class);
      return feedback.schema().startsWith("autotag.feedback/")
          ? Optional.of(feedback)
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      if (e instanceof S3Exception s3Error && s3Error.statusCode() != 404) {
        throw s3Error;
      }
      return Optional.empty();
    }
  }

  private static Map<String, Integer> countLabels(List<Feedback> verdicts) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Feedback verdict : verdicts) {
      if (verdict.noneOfThese()) {
        counts.merge(NONE, 1, Integer::sum);
      }
      verdict.labels().forEach(label -> counts.merge(label, 1, Integer::sum));
    }
    return counts;
  }

  /** Copies the judged image version into each of its labels' folders; returns the first path. */
  private Optional<String> copyImage(Feedback verdict, Options options, int[] copied)
      throws IOException {
    List<String> folders =
        verdict.noneOfThese()
            ? (options.includeNone() ? List.of(NONE_FOLDER) : List.of())
            : verdict.labels().stream().map(FeedbackExport::folderName).distinct().toList();
    if (folders.isEmpty()) {
      return Optional.empty();
    }
    Path images = options.out().resolve("images").normalize();
    String file = fileName(verdict);
    Path first = null;
    for (String folder : folders) {
      Path target = images.resolve(folder).resolve(file).normalize();
      if (!target.startsWith(images)) {
        throw new IllegalStateException("label folder outside the export: " + folder);
      }
      Files.createDirectories(target.getParent());
      if (first == null) {
        if (!download(verdict, target)) {
          copied[1]++;
          return Optional.empty();
        }
        first = target;
      } else {
        Files.copy(first, target, StandardCopyOption.REPLACE_EXISTING);
      }
      copied[0]++;
    }
    return Optional.of(options.out().relativize(first).toString().replace('\\', '/'));
  }

  private boolean download(Feedback verdict, Path target) throws IOException {
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(
            b -> b.bucket(verdict.bucket()).key(verdict.key()).versionId(verdict.versionId()))) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 404 || e.statusCode() == 403) {
        return false; // deleted since it was judged, or not ours to read: counted as missing
      }
      throw e;
    }
  }

  /** A folder name for a label: no separators, no dot names, nothing a file system refuses. */
  static String folderName(String label) {
    String name = label.replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]", "_").strip();
    return name.isEmpty() || name.chars().allMatch(c -> c == '.') ? "_" + name + "_" : name;
  }

  /** {@code <key's file name>-<8 hex of the version>.<ext>}: unique per object version. */
  static String fileName(Feedback verdict) {
    String key = verdict.key();
    String base = key.substring(key.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    String stem = dot > 0 ? base.substring(0, dot) : base;
    String ext = extension(verdict.contentType()).orElse(dot > 0 ? base.substring(dot + 1) : "img");
    stem = stem.replaceAll("[^\\p{L}\\p{N}._ -]", "_");
    if (stem.isBlank()) {
      stem = "image";
    }
    return stem.substring(0, Math.min(stem.length(), 80))
        + "-"
        + sha256(verdict.identity()).substring(0, 8)
        + "."
        + ext.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  private static Optional<String> extension(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    return switch (contentType) {
      case "image/jpeg" -> Optional.of("jpg");
      case "image/png" -> Optional.of("png");
      case "image/gif" -> Optional.of("gif");
      case "image/webp" -> Optional.of("webp");
      case "image/bmp" -> Optional.of("bmp");
      case "image/tiff" -> Optional.of("tif");
      default -> Optional.empty();
    };
  }

  private void writeManifests(Path out, List<Feedback> verdicts, Map<Feedback, String> images)
      throws IOException {
    List<String> columns =
        List.of(
            "bucket",
            "key",
            "versionId",
            "eTag",
            "labels",
            "none",
            "modelLabel",
            "modelConfidence",
            "model",
            "reviewer",
            "reviewedAt",
            "note",
            "image");
    try (BufferedWriter jsonl =
            Files.newBufferedWriter(out.resolve("manifest.jsonl"), StandardCharsets.UTF_8);
        BufferedWriter csv =
            Files.newBufferedWriter(out.resolve("manifest.csv"), StandardCharsets.UTF_8)) {
      csv.write(String.join(",", columns));
      csv.newLine();
      for (Feedback verdict : verdicts) {
        Optional<ReviewMessage.Prediction> top =
            verdict.predictions().isEmpty()
                ? Optional.empty()
                : Optional.of(verdict.predictions().getFirst());
        ObjectNode line = json.createObjectNode();
        line.put("bucket", verdict.bucket());
        line.put("key", verdict.key());
        line.put("versionId", verdict.versionId());
        line.put("eTag", verdict.eTag());
        verdict.labels().forEach(line.putArray("labels")::add);
        if (verdict.labels().isEmpty()) {
          line.putArray("labels");
        }
        line.put("none", verdict.noneOfThese());
        line.put("modelLabel", top.map(ReviewMessage.Prediction::label).orElse(null));
        if (top.isPresent()) {
          line.put("modelConfidence", top.get().confidence());
        } else {
          line.putNull("modelConfidence");
        }
        line.put("model", verdict.provider() + "/" + verdict.model());
        line.put("reviewer", verdict.reviewer());
        line.put("reviewedAt", verdict.reviewedAt());
        line.put("note", verdict.note());
        line.put("image", images.get(verdict));
        jsonl.write(json.writeValueAsString(line));
        jsonl.newLine();
        List<String> row = new ArrayList<>();
        for (String column : columns) {
          var value = line.get(column);
          row.add(
              value == null || value.isNull()
                  ? ""
                  : value.isArray()
                      ? String.join("|", json.convertValue(value, String[].class))
                      : value.asText());
        }
        csv.write(csvRow(row));
        csv.newLine();
      }
    }
  }

  private static void writeLabels(Path file, Map<String, Integer> labels) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("label,count");
    labels.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> lines.add(csvRow(List.of(e.getKey(), e.getValue().toString()))));
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /** Rows: the model's top label; columns: the person's first label; cells: how many. */
  private static void writeConfusion(Path file, List<Feedback> verdicts) throws IOException {
    Map<String, Map<String, Integer>> table = new TreeMap<>();
    TreeSet<String> human = new TreeSet<>();
    for (Feedback verdict : verdicts) {
      String model = verdict.modelLabel().orElse(NO_PREDICTION);
      String person = verdict.noneOfThese() ? NONE : verdict.labels().getFirst();
      human.add(person);
      table.computeIfAbsent(model, k -> new TreeMap<>()).merge(person, 1, Integer::sum);
    }
    List<String> lines = new ArrayList<>();
    List<String> header = new ArrayList<>();
    header.add("model \\ human");
    header.addAll(human);
    lines.add(csvRow(header));
    table.forEach(
        (model, row) -> {
          List<String> cells = new ArrayList<>();
          cells.add(model);
          human.forEach(h -> cells.add(Integer.toString(row.getOrDefault(h, 0))));
          lines.add(csvRow(cells));
        });
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  static String csvRow(List<String> values) {
    List<String> cells = new ArrayList<>();
    for (String value : values) {
      boolean quote =
          value.contains(",")
              || value.contains("\"")
              || value.contains("\n")
              || value.contains("\r");
      cells.add(quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value);
    }
    return String.join(",", cells);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
