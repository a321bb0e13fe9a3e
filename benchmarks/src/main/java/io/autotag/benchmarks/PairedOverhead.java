package io.autotag.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.onnx.ModelDescriptor;
import io.autotag.shared.provider.onnx.OnnxClassifier;
import io.autotag.shared.provider.onnx.OnnxClassifierFactory;
import io.autotag.shared.provider.onnx.OnnxSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end overhead ratio measured in pairs: each round times one {@code classify} of the
 * photo (one plain pass) and one bare {@code session.run} on a prepared tensor, back to back, and
 * the ratio of the two medians is reported. On a shared machine the pairs see the same background
 * load, which JMH's one-benchmark-after-the-other runs do not; {@link ClassifyBenchmark} gives the
 * absolute figures.
 *
 * <p>usage: {@code PairedOverhead PHOTO [ROUNDS]}
 */
public final class PairedOverhead {

  private PairedOverhead() {}

  public static void main(String[] args) throws Exception {
    byte[] photo = BenchmarkPhotos.load(args.length > 0 ? args[0] : "");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    // One plain pass, whatever the bundled descriptor's default passes are.
    Settings settings = Settings.of(Map.of(OnnxSettings.ZOOM_OUT, "0", OnnxSettings.FLIP, "false"));
    OnnxClassifier classifier =
        (OnnxClassifier) OnnxClassifierFactory.create().create(settings, null);
    settings.check();
    ModelDescriptor.Input input = classifier.descriptor().input();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(ClassifyBenchmark.bundledModel(), options)) {
        FloatBuffer buffer =
            ByteBuffer.allocateDirect(input.elements() * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (int i = 0; i < input.elements(); i++) {
          buffer.put(i, (i * 7919) % 256);
        }
        try (OnnxTensor prepared = OnnxTensor.createTensor(env, buffer, input.shape())) {
          Map<String, OnnxTensor> feed = Map.of(input.name(), prepared);
          long[] classify = new long[rounds];
          long[] run = new long[rounds];
          for (int i = -20; i < rounds; i++) { // 20 rounds of warm-up
            long t0 = System.nanoTime();
            classifier.classify(ImageInput.Bytes.of(photo));
            long t1 = System.nanoTime();
            try (OrtSession.Result result = session.run(feed)) {
              ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
            }
            long t2 = System.nanoTime();
            if (i >= 0) {
              classify[i] = t1 - t0;
              run[i] = t2 - t1;
            }
          }
          double c = median(classify) / 1e6;
          double r = median(run) / 1e6;
          System.out.printf(
              Locale.ROOT,
              "rounds %d: classify median %.1f ms, session.run median %.1f ms, ratio %.2fx%n",
              rounds,
              c,
              r,
              c / r);
        }
      }
    } finally {
      classifier.close();
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
