package io.autotag.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.Label;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders {@link FileClassifier.Result}s: an aligned table for people, or a JSON array for scripts
 * (every label over the threshold, provider and model, timings, and {@code error} instead of labels
 * when a source failed).
 */
final class ResultTable {

  private static final int MAX_SOURCE = 48;

  private final double threshold;
  private final int maxLabels;

  ResultTable(double threshold, int maxLabels) {
    this.threshold = threshold;
    this.maxLabels = maxLabels;
  }

  String table(List<FileClassifier.Result> results) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SOURCE", "TOP", "CONF", "LABELS", "MS"});
    for (FileClassifier.Result r : results) {
      String source = shorten(r.source().name());
      String ms = String.format(Locale.ROOT, "%.0f", r.elapsed().toNanos() / 1e6);
      if (r.ok()) {
        Classification c = r.classification();
        String top = c.top().map(Label::name).orElse("-");
        String conf =
            c.top().map(l -> String.format(Locale.ROOT, "%.2f", l.confidence())).orElse("-");
        String labels =
            labels(c).stream()
                .map(l -> String.format(Locale.ROOT, "%s %.2f", l.name(), l.confidence()))
                .collect(Collectors.joining(", "));
        rows.add(new String[] {source, top, conf, labels.isEmpty() ? "-" : labels, ms});
      } else {
        rows.add(
            new String[] {
              source,
              "ERROR",
              "-",
              errorCode(r) + (r.errorMessage() == null ? "" : ": " + r.errorMessage()),
              ms
            });
      }
    }
    int[] widths = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        boolean numeric = i == 2 || i == 4;
        String cell = numeric ? pad(row[i], widths[i], true) : pad(row[i], widths[i], false);
        out.append(i == row.length - 1 ? cell.stripTrailing() : cell + "  ");
      }
      out.append('\n');
    }
    return out.toString();
  }

  ArrayNode json(List<FileClassifier.Result> results, ObjectMapper mapper) {
    ArrayNode array = mapper.createArrayNode();
    for (FileClassifier.Result r : results) {
      ObjectNode node = array.addObject();
      node.put("source", r.source().name());
      if (r.format() != null) {
        node.put("format", r.format().mediaType());
      }
      node.put("bytes", r.bytes());
      node.put("timeMs", Math.round(r.elapsed().toNanos() / 1e4) / 100.0);
      if (r.ok()) {
        Classification c = r.classification();
        node.put("provider", c.provider());
        node.put("model", c.modelId());
        node.put("multiLabel", c.multiLabel());
        node.put("threshold", threshold);
        if (c.top().isPresent()) {
          ObjectNode top = node.putObject("top");
          top.put("label", c.top().get().name());
          top.put("confidence", c.top().get().confidence());
        } else {
          node.putNull("top");
        }
        ArrayNode labels = node.putArray("labels");
        for (Label label : labels(c)) {
          labels.addObject().put("label", label.name()).put("confidence", label.confidence());
        }
      } else {
        ObjectNode error = node.putObject("error");
        error.put("code", errorCode(r));
        if (r.errorMessage() != null) {
          error.put("message", r.errorMessage());
        }
      }
    }
    return array;
  }

  private static String errorCode(FileClassifier.Result r) {
    return r.errorCode() == null ? "error" : r.errorCode();
  }

  private List<Label> labels(Classification c) {
    return c.labelsAtLeast(threshold).stream().limit(maxLabels).toList();
  }

  private static String shorten(String source) {
    return source.length() <= MAX_SOURCE
        ? source
        : "..." + source.substring(source.length() - (MAX_SOURCE - 3));
  }

  private static String pad(String text, int width, boolean right) {
    String spaces = " ".repeat(Math.max(0, width - text.length()));
    return right ? spaces + text : text + spaces;
  }
}
