package io.autotag.benchmarks;

import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.onnx.OnnxClassifier;
import io.autotag.shared.provider.onnx.OnnxClassifierFactory;
import io.autotag.shared.provider.onnx.OnnxSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the embedded model's extra passes cost end to end: one {@code classify} of the photo with
 * one plain pass, with the zoomed-out pass at 0.4, and with the bundled default (whatever {@code
 * model.json} says), interleaved round by round so all three see the same background load on a
 * shared machine; prints each median and its ratio to one pass.
 *
 * <p>usage: {@code PassCost PHOTO [ROUNDS]}
 */
public final class PassCost {

  private PassCost() {}

  public static void main(String[] args) throws Exception {
    byte[] photo = BenchmarkPhotos.load(args.length > 0 ? args[0] : "");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    List<Map<String, String>> configurations =
        List.of(
            Map.of(OnnxSettings.ZOOM_OUT, "0", OnnxSettings.FLIP, "false"),
            Map.of(OnnxSettings.ZOOM_OUT, "0.4", OnnxSettings.FLIP, "false"),
            Map.of());
    List<OnnxClassifier> classifiers = new ArrayList<>();
    for (Map<String, String> configuration : configurations) {
      Map<String, String> env = new java.util.HashMap<>(configuration);
      env.put(OnnxSettings.THREADS, "1");
      Settings settings = Settings.of(env);
      classifiers.add((OnnxClassifier) OnnxClassifierFactory.create().create(settings, null));
      settings.check();
    }
    try {
      for (int warm = 0; warm < 10; warm++) {
        for (OnnxClassifier c : classifiers) {
          c.classify(ImageInput.Bytes.of(photo));
        }
      }
      double[][] millis = new double[classifiers.size()][rounds];
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < classifiers.size(); i++) {
          long start = System.nanoTime();
          classifiers.get(i).classify(ImageInput.Bytes.of(photo));
          millis[i][round] = (System.nanoTime() - start) / 1e6;
        }
      }
      double[] medians = new double[classifiers.size()];
      for (int i = 0; i < classifiers.size(); i++) {
        Arrays.sort(millis[i]);
        medians[i] = millis[i][rounds / 2];
      }
      for (int i = 0; i < classifiers.size(); i++) {
        System.out.printf(
            Locale.ROOT,
            "%-70s median %6.1f ms  %.2fx one pass%n",
            classifiers.get(i).options() + (i == 2 ? " (bundled default)" : ""),
            medians[i],
            medians[i] / medians[0]);
      }
    } finally {
      for (OnnxClassifier c : classifiers) {
        c.close();
      }
    }
  }
}
