package io.autotag.shared.provider.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.PrimingImage;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.image.DecodedImage;
import io.autotag.shared.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded provider: runs an ONNX model in-process with ONNX Runtime. The session is created
 * once, in {@link #create}; {@link #classify} decodes the image subsampled to about the model's
 * input size ({@link ImageDecoder}), writes it into a reused direct input buffer, runs one or more
 * passes ({@link InferenceOptions}) and turns the output into labels as the {@link ModelDescriptor}
 * says.
 *
 * <p>Thread-safety: safe for concurrent calls. ONNX Runtime documents {@code OrtSession.run} as
 * safe to call from several threads on one session; everything else a call touches is either
 * immutable or a per-call {@code Workspace} (input/output buffers and their tensors) taken from a
 * pool and returned afterwards, so concurrent calls never share a buffer. Each call uses {@code
 * threads} intra-op threads of the session's own pool; with N concurrent callers on N cores leave
 * {@code threads} at 1.
 */
public final class OnnxClassifier implements Classifier, AutoCloseable {

  public static final String NAME = "onnx";

  /** 50 MB: larger than any photo worth classifying, small enough to hold in memory. */
  public static final long MAX_BYTES = 50L * 1024 * 1024;

  /** How many labels a classification carries at most (highest first). */
  static final int MAX_LABELS = 10;

  private static final Logger log = LoggerFactory.getLogger(OnnxClassifier.class);

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelDescriptor descriptor;
  private final List<String> labels;
  private final ImageDecoder decoder;
  private final InferenceOptions options;
  private final List<InferenceOptions.Pass> passes;
  private final TensorWriter writer;
  private final Calibration.Curve[] calibration;
  private final long[] pinnedOutputShape;
  private final ProviderCapabilities capabilities;
  private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();

  private OnnxClassifier(
      OrtEnvironment env,
      OrtSession session,
      ModelDescriptor descriptor,
      List<String> labels,
      ImageDecoder decoder,
      InferenceOptions options,
      long[] pinnedOutputShape) {
    this.env = env;
    this.session = session;
    this.descriptor = descriptor;
    this.labels = List.copyOf(labels);
    this.decoder = decoder;
    this.options = options;
    this.passes = options.passes();
    this.writer = new TensorWriter(descriptor.input());
    this.calibration = descriptor.calibration().forLabels(labels);
    this.pinnedOutputShape = pinnedOutputShape;
    this.capabilities = ProviderCapabilities.bytesOnly(MAX_BYTES, ImageDecoder.FORMATS);
  }

  /**
   * Creates the session and checks the descriptor and labels against the model's declared inputs
   * and outputs.
   *
   * @throws ModelSetupException when the model cannot be loaded or does not match the descriptor or
   *     the labels; the message names what is wrong and never contains file contents
   */
  public static OnnxClassifier create(
      byte[] model,
      ModelDescriptor descriptor,
      List<String> labels,
      int threads,
      ImageDecoder decoder,
      InferenceOptions options)
      throws ModelSetupException {
    return create(openSession(model, threads), descriptor, labels, decoder, options);
  }

  /**
   * Loads the model into an ONNX Runtime session: the slow part of start-up (native library, graph
   * optimisation), which {@link OnnxClassifierFactory} runs beside the rest of its work.
   */
  public static OrtSession openSession(byte[] model, int threads) throws ModelSetupException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
      sessionOptions.setIntraOpNumThreads(threads);
      sessionOptions.setInterOpNumThreads(1);
      sessionOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return env.createSession(model, sessionOptions);
    } catch (OrtException e) {
      throw new ModelSetupException("ONNX Runtime cannot load the model: " + e.getMessage());
    }
  }

  /** Wraps an open session (taking ownership: it is closed on failure and by {@link #close()}). */
  public static OnnxClassifier create(
      OrtSession session,
      ModelDescriptor descriptor,
      List<String> labels,
      ImageDecoder decoder,
      InferenceOptions options)
      throws ModelSetupException {
    try {
      if (labels.isEmpty()) {
        throw new ModelSetupException("the labels file is empty");
      }
      long[] pinned = check(session, descriptor, labels.size());
      try {
        descriptor.calibration().forLabels(labels);
      } catch (IllegalArgumentException e) {
        throw new ModelSetupException(e.getMessage());
      }
      OnnxClassifier classifier =
          new OnnxClassifier(
              OrtEnvironment.getEnvironment(),
              session,
              descriptor,
              labels,
              decoder,
              options,
              pinned);
      log.atInfo()
          .addKeyValue("model", descriptor.id())
          .addKeyValue("labels", labels.size())
          .addKeyValue("calibrated", !descriptor.calibration().isIdentity())
          .addKeyValue("passes", classifier.passes.size())
          .addKeyValue("resize", options.resize())
          .log("onnx session ready");
      return classifier;
    } catch (ModelSetupException | RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  /** Validates names, shapes and label count; returns the output shape to pin, or null. */
  private static long[] check(OrtSession session, ModelDescriptor descriptor, int labelCount)
      throws ModelSetupException {
    try {
      ModelDescriptor.Input input = descriptor.input();
      NodeInfo inputInfo = session.getInputInfo().get(input.name());
      if (inputInfo == null) {
        throw new ModelSetupException(
            "the model has no input named '"
                + input.name()
                + "'; its inputs are "
                + session.getInputNames());
      }
      if (!(inputInfo.getInfo() instanceof TensorInfo inTensor)
          || !matches(inTensor.getShape(), input.shape())) {
        throw new ModelSetupException(
            "input '"
                + input.name()
                + "' has shape "
                + shapeOf(inputInfo)
                + ", the descriptor says "
                + Arrays.toString(input.shape()));
      }
      ModelDescriptor.Output output = descriptor.output();
      NodeInfo outputInfo = session.getOutputInfo().get(output.name());
      if (outputInfo == null || !(outputInfo.getInfo() instanceof TensorInfo outTensor)) {
        throw new ModelSetupException(
            "the model has no tensor output named '"
                + output.name()
                + "'; its outputs are "
                + session.getOutputNames());
      }
      long[] shape = outTensor.getShape().clone();
      if (shape.length > 0 && shape[0] < 0) {
        shape[0] = 1; // dynamic batch: we always send one image
      }
      long classes = classCount(output, shape);
      if (classes > 0 && classes != labelCount) {
        throw new ModelSetupException(
            "the model has "
                + classes
                + " classes but the labels file has "
                + labelCount
                + " labels");
      }
      for (long d : shape) {
        if (d < 0) {
          return null; // dynamic output: let ONNX Runtime allocate it per run
        }
      }
      return shape;
    } catch (OrtException e) {
      throw new ModelSetupException(
          "cannot read the model's inputs and outputs: " + e.getMessage());
    }
  }

  private static boolean matches(long[] declared, long[] wanted) {
    if (declared.length != wanted.length) {
      return false;
    }
    for (int i = 0; i < declared.length; i++) {
      if (declared[i] >= 0 && declared[i] != wanted[i]) {
        return false;
      }
    }
    return true;
  }

  /** Number of classes an output shape declares, or -1 when dynamic or unknown. */
  static long classCount(ModelDescriptor.Output output, long[] shape) {
    if (output.kind() == ModelDescriptor.OutputKind.HEATMAP) {
      if (shape.length != 4) {
        return -1;
      }
      return output.layout() == ModelDescriptor.Layout.NHWC ? shape[3] : shape[1];
    }
    return shape.length == 0 ? -1 : shape[shape.length - 1];
  }

  private static String shapeOf(NodeInfo info) {
    return info.getInfo() instanceof TensorInfo t ? Arrays.toString(t.getShape()) : "not a tensor";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProviderCapabilities capabilities() {
    return capabilities;
  }

  public ModelDescriptor descriptor() {
    return descriptor;
  }

  public List<String> labels() {
    return labels;
  }

  public InferenceOptions options() {
    return options;
  }

  @Override
  public Classification classify(ImageInput image) throws ClassificationException {
    long start = System.nanoTime();
    if (!(image instanceof ImageInput.Bytes bytes)) {
      throw new ClassificationException(
          FailureReason.REJECTED, "the onnx provider classifies image bytes only");
    }
    if (bytes.data().length > MAX_BYTES) {
      throw new ClassificationException(
          FailureReason.TOO_LARGE, "image is larger than " + MAX_BYTES + " bytes");
    }
    ModelDescriptor.Input input = descriptor.input();
    DecodedImage decoded = decoder.decode(bytes, input.width(), input.height());
    double[] confidence = confidences(scores(decoded));
    return new Classification(
        NAME,
        descriptor.id(),
        topLabels(confidence),
        descriptor.output().kind().multiLabel(),
        Optional.of(decoded.originalSize()),
        Duration.ofNanos(System.nanoTime() - start),
        allClasses(confidence));
  }

  /**
   * Runs every pass on the built-in {@link PrimingImage}, once as PNG and once as JPEG, so the
   * decoders most uploads need and the session's first-run allocations are in a SnapStart snapshot.
   * Deterministic: the same pixels every time, nothing kept.
   */
  @Override
  public void prime() throws ClassificationException {
    byte[] png = PrimingImage.png();
    classify(ImageInput.Bytes.of(png));
    classify(ImageInput.Bytes.of(asJpeg(png)));
  }

  private static byte[] asJpeg(byte[] png) throws ClassificationException {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "jpg", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new ClassificationException(FailureReason.CORRUPT, "priming image unreadable", e);
    }
  }

  /** Per-class scores (0..1) for an already decoded image, all passes combined. */
  float[] scores(DecodedImage image) throws ClassificationException {
    Workspace workspace = workspaces.poll();
    try {
      if (workspace == null) {
        workspace = new Workspace();
      }
      float[] combined = null;
      for (InferenceOptions.Pass pass : passes) {
        writer.write(image, pass, workspace.input);
        float[] scores = workspace.run();
        if (combined == null) {
          combined = scores;
        } else {
          combine(combined, scores);
        }
      }
      if (descriptor.output().kind() == ModelDescriptor.OutputKind.SOFTMAX && passes.size() > 1) {
        for (int i = 0; i < combined.length; i++) {
          combined[i] /= passes.size();
        }
      }
      return combined;
    } catch (OrtException e) {
      log.atError().addKeyValue("model", descriptor.id()).setCause(e).log("onnx inference failed");
      throw new ClassificationException(FailureReason.REJECTED, "the model failed to run", e);
    } finally {
      if (workspace != null) {
        workspaces.offer(workspace);
      }
    }
  }

  private void combine(float[] into, float[] scores) {
    boolean softmax = descriptor.output().kind() == ModelDescriptor.OutputKind.SOFTMAX;
    for (int i = 0; i < into.length; i++) {
      into[i] = softmax ? into[i] + scores[i] : Math.max(into[i], scores[i]);
    }
  }

  /** Each class's score through its calibration curve, in the model's order. */
  private double[] confidences(float[] scores) {
    double[] confidence = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      confidence[i] = Calibration.apply(calibration[i], scores[i]);
    }
    return confidence;
  }

  /** Every class in the model's order with its confidence: the model's whole answer. */
  private List<Label> allClasses(double[] confidence) {
    List<Label> all = new ArrayList<>(confidence.length);
    for (int i = 0; i < confidence.length; i++) {
      all.add(new Label(labels.get(i), confidence[i]));
    }
    return all;
  }

  /** The best labels by confidence. */
  private List<Label> topLabels(double[] confidence) {
    Integer[] order = new Integer[confidence.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(confidence[b], confidence[a]));
    List<Label> top = new ArrayList<>();
    for (int i = 0; i < Math.min(MAX_LABELS, order.length); i++) {
      top.add(new Label(labels.get(order[i]), confidence[order[i]]));
    }
    return top;
  }

  /** Scores from one output tensor, after the descriptor's activation. */
  static float[] decode(ModelDescriptor.Output output, float[] raw, long[] shape, int classes) {
    float[] scores = new float[classes];
    if (output.kind() == ModelDescriptor.OutputKind.HEATMAP) {
      Arrays.fill(scores, Float.NEGATIVE_INFINITY);
      int cells = raw.length / classes;
      if (output.layout() == ModelDescriptor.Layout.NHWC) {
        for (int cell = 0, i = 0; cell < cells; cell++) {
          for (int c = 0; c < classes; c++, i++) {
            if (raw[i] > scores[c]) {
              scores[c] = raw[i];
            }
          }
        }
      } else {
        for (int c = 0, i = 0; c < classes; c++) {
          float max = Float.NEGATIVE_INFINITY;
          for (int cell = 0; cell < cells; cell++, i++) {
            max = Math.max(max, raw[i]);
          }
          scores[c] = max;
        }
      }
      if (output.activation()) {
        sigmoid(scores);
      }
      return scores;
    }
    System.arraycopy(raw, 0, scores, 0, classes);
    if (output.activation()) {
      if (output.kind() == ModelDescriptor.OutputKind.SOFTMAX) {
        softmax(scores);
      } else {
        sigmoid(scores);
      }
    }
    return scores;
  }

  private static void sigmoid(float[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (1.0 / (1.0 + Math.exp(-values[i])));
    }
  }

  private static void softmax(float[] values) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) Math.exp(values[i] - max);
      sum += values[i];
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (values[i] / sum);
    }
  }

  @Override
  public void close() {
    Workspace workspace;
    while ((workspace = workspaces.poll()) != null) {
      workspace.close();
    }
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      log.atWarn().setCause(e).log("closing the onnx session failed");
    }
  }

  /**
   * One caller's buffers: a direct input buffer wrapped (not copied) by the input tensor, and for a
   * model with a static output shape a pinned output tensor ONNX Runtime writes into, so a run
   * allocates neither.
   */
  private final class Workspace implements AutoCloseable {
    final FloatBuffer input;
    final OnnxTensor inputTensor;
    final FloatBuffer output;
    final OnnxTensor outputTensor;
    final float[] raw;

    Workspace() throws OrtException {
      ModelDescriptor.Input spec = descriptor.input();
      input = direct(spec.elements());
      inputTensor = OnnxTensor.createTensor(env, input, spec.shape());
      if (pinnedOutputShape != null) {
        int size = 1;
        for (long d : pinnedOutputShape) {
          size = Math.multiplyExact(size, (int) d);
        }
        output = direct(size);
        outputTensor = OnnxTensor.createTensor(env, output, pinnedOutputShape);
        raw = new float[size];
      } else {
        output = null;
        outputTensor = null;
        raw = null;
      }
    }

    float[] run() throws OrtException {
      String outputName = descriptor.output().name();
      Map<String, OnnxTensor> inputs = Map.of(descriptor.input().name(), inputTensor);
      if (outputTensor != null) {
        try (OrtSession.Result ignored = session.run(inputs, Map.of(outputName, outputTensor))) {
          output.get(0, raw);
          return OnnxClassifier.decode(descriptor.output(), raw, pinnedOutputShape, labels.size());
        }
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
        OnnxTensor tensor = (OnnxTensor) result.get(outputName).orElseThrow();
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        long classes = classCount(descriptor.output(), tensor.getInfo().getShape());
        if (classes != labels.size()) {
          throw new IllegalStateException(
              "the model produced " + classes + " classes for " + labels.size() + " labels");
        }
        return OnnxClassifier.decode(
            descriptor.output(), values, tensor.getInfo().getShape(), labels.size());
      }
    }

    private FloatBuffer direct(int floats) {
      return ByteBuffer.allocateDirect(floats * Float.BYTES)
          .order(ByteOrder.nativeOrder())
          .asFloatBuffer();
    }

    @Override
    public void close() {
      inputTensor.close();
      if (outputTensor != null) {
        outputTensor.close();
      }
    }
  }

  /** The model, its descriptor and its labels do not fit together, or the model cannot load. */
  public static final class ModelSetupException extends Exception {
    public ModelSetupException(String message) {
      super(message);
    }
  }
}
