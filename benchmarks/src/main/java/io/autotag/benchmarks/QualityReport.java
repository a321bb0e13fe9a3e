package io.autotag.benchmarks;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.onnx.OnnxClassifier;
import io.autotag.shared.provider.onnx.OnnxClassifierFactory;
import io.autotag.shared.tagging.TagSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs the bundled model over the photos listed in {@code benchmarks/quality/photos.tsv} (real
 * photographs shipped in Debian packages, unpacked by {@code fetch-photos.sh}) under several
 * inference settings and prints Markdown tables: per setting, top-1 accuracy on photos with a COCO
 * object, photos without one that still get a label at the tag threshold, and mean latency; then
 * the per-photo table for each setting.
 *
 * <p>usage: {@code QualityReport ROOT MANIFEST [name:VAR=value,VAR=value ...]}
 */
public final class QualityReport {

  private static final Map<String, Map<String, String>> DEFAULT_SETTINGS = new LinkedHashMap<>();

  static {
    // The model's own defaults (model.json's "inference"), then every variant explicitly.
    DEFAULT_SETTINGS.put("default", Map.of());
    variant("stretch", "stretch", "0", false);
    variant("letterbox", "letterbox", "0", false);
    variant("stretch+flip", "stretch", "0", true);
    variant("stretch+zoom0.6", "stretch", "0.6", false);
    variant("stretch+zoom0.5", "stretch", "0.5", false);
    variant("stretch+zoom0.4", "stretch", "0.4", false);
    variant("letterbox+zoom0.5", "letterbox", "0.5", false);
    variant("letterbox+zoom0.4", "letterbox", "0.4", false);
    variant("stretch+zoom0.5+flip", "stretch", "0.5", true);
  }

  private static void variant(String name, String resize, String zoomOut, boolean flip) {
    DEFAULT_SETTINGS.put(
        name,
        Map.of(
            "AUTOTAG_ONNX_RESIZE", resize,
            "AUTOTAG_ONNX_ZOOM_OUT", zoomOut,
            "AUTOTAG_ONNX_FLIP", Boolean.toString(flip)));
  }

  private QualityReport() {}

  record Photo(String pkg, String path, String shows, Set<String> expected) {}

  record Row(Photo photo, List<Label> top, double millis) {
    boolean hasObject() {
      return !photo.expected().isEmpty();
    }

    boolean topRight() {
      return !top.isEmpty() && photo.expected().contains(top.getFirst().name());
    }

    boolean anyAbove(double threshold) {
      return !top.isEmpty() && top.getFirst().confidence() >= threshold;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: QualityReport ROOT MANIFEST [name:VAR=value,VAR=value ...]");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    List<Photo> photos = readManifest(Path.of(args[1]));
    Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    for (String arg : Arrays.copyOfRange(args, 2, args.length)) {
      String[] nameAndVars = arg.split(":", 2);
      Map<String, String> env = new LinkedHashMap<>();
      if (nameAndVars.length == 2 && !nameAndVars[1].isBlank()) {
        for (String pair : nameAndVars[1].split(",")) {
          String[] kv = pair.split("=", 2);
          env.put(kv[0], kv[1]);
        }
      }
      settings.put(nameAndVars[0], env);
    }
    if (settings.isEmpty()) {
      settings.putAll(DEFAULT_SETTINGS);
    }
    double threshold = TagSchema.from(Settings.of(Map.of())).labelThreshold();

    Map<String, List<Row>> results = new LinkedHashMap<>();
    for (var entry : settings.entrySet()) {
      results.put(entry.getKey(), run(root, photos, entry.getValue()));
    }

    System.out.printf(
        Locale.ROOT,
        "## Summary (%d photos with a COCO object, %d without; tag threshold %.2f)%n%n",
        photos.stream().filter(p -> !p.expected().isEmpty()).count(),
        photos.stream().filter(p -> p.expected().isEmpty()).count(),
        threshold);
    System.out.println(
        "| setting | top-1 right | right label >= threshold | no-object photos with a label >= threshold | mean ms/photo (best of 3) |");
    System.out.println("|---|---|---|---|---|");
    for (var entry : results.entrySet()) {
      List<Row> rows = entry.getValue();
      List<Row> objects = rows.stream().filter(Row::hasObject).toList();
      List<Row> empty = rows.stream().filter(r -> !r.hasObject()).toList();
      long right = objects.stream().filter(Row::topRight).count();
      long rightAbove = objects.stream().filter(r -> r.topRight() && r.anyAbove(threshold)).count();
      long falsePositives = empty.stream().filter(r -> r.anyAbove(threshold)).count();
      double meanMs = rows.stream().mapToDouble(Row::millis).average().orElse(0);
      System.out.printf(
          Locale.ROOT,
          "| %s | %d/%d (%.0f%%) | %d/%d | %d/%d | %.0f |%n",
          entry.getKey(),
          right,
          objects.size(),
          100.0 * right / Math.max(1, objects.size()),
          rightAbove,
          objects.size(),
          falsePositives,
          empty.size(),
          meanMs);
    }
    for (var entry : results.entrySet()) {
      System.out.printf(Locale.ROOT, "%n## %s%n%n", entry.getKey());
      System.out.println("| photo (package: path) | shows | top labels | verdict |");
      System.out.println("|---|---|---|---|");
      for (Row row : entry.getValue()) {
        String labels =
            row.top().stream()
                .limit(3)
                .map(l -> String.format(Locale.ROOT, "%s %.2f", l.name(), l.confidence()))
                .collect(Collectors.joining(", "));
        String verdict;
        if (row.hasObject()) {
          verdict = row.topRight() ? (row.anyAbove(threshold) ? "right" : "right, low") : "WRONG";
        } else {
          verdict = row.anyAbove(threshold) ? "FALSE POSITIVE" : "right (nothing tagged)";
        }
        System.out.printf(
            Locale.ROOT,
            "| %s: `%s` | %s | %s | %s |%n",
            row.photo().pkg(),
            row.photo().path(),
            row.photo().shows(),
            labels,
            verdict);
      }
    }
  }

  private static List<Row> run(Path root, List<Photo> photos, Map<String, String> variant)
      throws Exception {
    // A tool, not library code: AUTOTAG_* variables of the process (another model, say) are the
    // base every variant starts from.
    Map<String, String> env = new LinkedHashMap<>();
    System.getenv()
        .forEach(
            (k, v) -> {
              if (k.startsWith("AUTOTAG_")) {
                env.put(k, v);
              }
            });
    env.putAll(variant);
    Settings settings = Settings.of(env);
    OnnxClassifier classifier =
        (OnnxClassifier) OnnxClassifierFactory.create().create(settings, null);
    settings.check();
    try {
      // Warm up (JIT, ONNX Runtime arenas) so the latency column is steady-state.
      byte[] first = Files.readAllBytes(resolve(root, photos.getFirst().path()));
      for (int i = 0; i < 5; i++) {
        classifier.classify(ImageInput.Bytes.of(first));
      }
      List<Row> rows = new ArrayList<>();
      for (Photo photo : photos) {
        byte[] bytes = Files.readAllBytes(resolve(root, photo.path()));
        Classification c = null;
        double ms = Double.MAX_VALUE;
        // Best of three: the machine may be shared; the minimum is the least disturbed figure.
        for (int i = 0; i < 3; i++) {
          long start = System.nanoTime();
          c = classifier.classify(ImageInput.Bytes.of(bytes));
          ms = Math.min(ms, (System.nanoTime() - start) / 1e6);
        }
        rows.add(new Row(photo, c.labels(), ms));
      }
      return rows;
    } finally {
      classifier.close();
    }
  }

  private static Path resolve(Path root, String path) {
    return root.resolve(path.replaceFirst("^/+", ""));
  }

  static List<Photo> readManifest(Path manifest) throws IOException {
    List<Photo> photos = new ArrayList<>();
    for (String line : Files.readAllLines(manifest)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      Set<String> expected =
          f[3].trim().equals("-")
              ? Set.of()
              : Arrays.stream(f[3].split(",")).map(String::trim).collect(Collectors.toSet());
      photos.add(new Photo(f[0], f[1], f[2], expected));
    }
    return photos;
  }
}
