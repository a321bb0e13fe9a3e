package io.autotag.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.config.Settings;
import io.autotag.shared.image.DecodedImage;
import io.autotag.shared.image.ImageDecoder;
import io.autotag.shared.provider.onnx.ModelDescriptor;
import io.autotag.shared.provider.onnx.OnnxClassifier;
import io.autotag.shared.provider.onnx.OnnxClassifierFactory;
import io.autotag.shared.provider.onnx.OnnxSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bundled model end to end ({@link #classify}: JPEG bytes to labels) against the bare {@code
 * session.run} on an already prepared input tensor ({@link #sessionRun}), in the same run, plus the
 * decode step alone. Run {@code classify} with {@code -t 1} and {@code -t 2 -bm thrpt} for the
 * throughput of concurrent callers. Commands and figures: {@code docs/onnx.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx1g"})
public class ClassifyBenchmark {

  /** A photo to classify; empty for the built-in synthetic 1600x1200 JPEG. */
  @Param("")
  public String photo;

  /** {@code AUTOTAG_ONNX_THREADS} for both the classifier and the bare session. */
  @Param("1")
  public int ortThreads;

  /** {@code AUTOTAG_ONNX_FLIP}, to price the extra pass. */
  @Param("false")
  public boolean flip;

  /** {@code AUTOTAG_ONNX_ZOOM_OUT}, to price the extra pass. */
  @Param("0")
  public double zoomOut;

  /** {@code AUTOTAG_ONNX_RESIZE}. */
  @Param("stretch")
  public String resize;

  private OnnxClassifier classifier;
  private byte[] jpeg;
  private OrtSession session;
  private OnnxTensor prepared;
  private String inputName;
  private ImageDecoder decoder;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    jpeg = BenchmarkPhotos.load(photo);
    Map<String, String> env = new HashMap<>();
    env.put(OnnxSettings.THREADS, Integer.toString(ortThreads));
    env.put(OnnxSettings.FLIP, Boolean.toString(flip));
    env.put(OnnxSettings.ZOOM_OUT, Double.toString(zoomOut));
    env.put(OnnxSettings.RESIZE, resize);
    Settings settings = Settings.of(env);
    classifier = (OnnxClassifier) OnnxClassifierFactory.create().create(settings, null);
    settings.check();
    decoder = ImageDecoder.create();

    ModelDescriptor.Input input = classifier.descriptor().input();
    inputName = input.name();
    OrtEnvironment env0 = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(ortThreads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env0.createSession(bundledModel(), options);
    }
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(input.elements() * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    for (int i = 0; i < input.elements(); i++) {
      buffer.put(i, (i * 7919) % 256);
    }
    prepared = OnnxTensor.createTensor(env0, buffer, input.shape());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    prepared.close();
    session.close();
    classifier.close();
  }

  static byte[] bundledModel() throws IOException {
    try (InputStream in =
        ClassifyBenchmark.class
            .getClassLoader()
            .getResourceAsStream("io/autotag/models/coco80/model.onnx")) {
      return in.readAllBytes();
    }
  }

  @Benchmark
  public Classification classify() throws ClassificationException {
    return classifier.classify(ImageInput.Bytes.of(jpeg));
  }

  @Benchmark
  public float sessionRun() throws OrtException {
    try (OrtSession.Result result = session.run(Map.of(inputName, prepared))) {
      return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
    }
  }

  @Benchmark
  public DecodedImage decodeOnly() throws ClassificationException {
    ModelDescriptor.Input input = classifier.descriptor().input();
    return decoder.decode(jpeg, input.width(), input.height());
  }
}
