package io.autotag.shared.provider.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * immutable or a per-call workspace (input/output buffers and their tensors) taken from {@link
 * Workspaces} and returned afterwards, so concurrent calls never share a buffer. {@link ModelCheck}
 * checks the model against its descriptor at start-up; {@link OutputScores} turns outputs into
 * scores. Each call uses {@code threads} intra-op threads of the session's own pool; with N
 * concurrent callers on N cores leave {@code threads} at 1.
 */
public final class OnnxClassifier implements Classifier, AutoCloseable {

  public static final String NAME = "onnx";

  /** 50 MB: larger than any photo worth classifying, small enough to hold in memory. */
  public static final long MAX_BYTES = 50L * 1024 * 1024;

  /** How many labels a classification carries at most (highest first). */
  static final int MAX_LABELS = 10;

  private static final Logger log = LoggerFactory.getLogger(OnnxClassifier.class);

  private final OrtSession session;
  private final ModelDescriptor descriptor;
  private final List<String> labels;
  private final ImageDecoder decoder;
  private final InferenceOptions options;
  private final List<InferenceOptions.Pass> passes;
  private final TensorWriter writer;
  private final Calibration.Curve[] calibration;
  private final ProviderCapabilities capabilities;
  private final Workspaces workspaces;

  private OnnxClassifier(
      OrtEnvironment env,
      OrtSession session,
      ModelDescriptor descriptor,
      List<String> labels,
      ImageDecoder decoder,
      InferenceOptions options,
      long[] pinnedOutputShape) {
    this.session = session;
    this.descriptor = descriptor;
    this.labels = List.copyOf(labels);
    this.decoder = decoder;
    this.options = options;
    this.passes = options.passes();
    this.writer = new TensorWriter(descriptor.input());
    this.calibration = descriptor.calibration().forLabels(labels);
    this.workspaces =
        new Workspaces(env, session, descriptor, this.labels.size(), pinnedOutputShape);
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
      long[] pinned = ModelCheck.pinnedOutputShape(session, descriptor, labels.size());
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
    float[] scores = scores(decoded);
    int[] best = rawBest(scores);
    double[] confidence = confidences(scores, best);
    return new Classification(
        NAME,
        descriptor.id(),
        labelsOf(best, confidence),
        descriptor.output().kind().multiLabel(),
        decoded.originalSize(),
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
    Workspaces.Workspace workspace = null;
    try {
      workspace = workspaces.take();
      ModelDescriptor.Output output = descriptor.output();
      float[] combined = null;
      for (InferenceOptions.Pass pass : passes) {
        writer.write(image, pass, workspace.input);
        float[] scores = workspace.run();
        if (combined == null) {
          combined = scores;
        } else {
          OutputScores.combine(output, combined, scores);
        }
      }
      OutputScores.finish(output, combined, passes.size());
      return combined;
    } catch (OrtException e) {
      log.atError().addKeyValue("model", descriptor.id()).setCause(e).log("onnx inference failed");
      throw new ClassificationException(FailureReason.REJECTED, "the model failed to run", e);
    } finally {
      if (workspace != null) {
        workspaces.give(workspace);
      }
    }
  }

  /**
   * Each class's score through its calibration curve, in the model's order, with one bound: the
   * calibration re-ranks the model's own {@value #MAX_LABELS} best raw scores ({@code best}) but
   * never lifts a class the model ranks below them above any of them. Curves are fitted on each
   * photo's best raw labels ({@code io.autotag.benchmarks.ModelEvaluation}), so they say nothing
   * about scores far below those; a flat curve (few examples) would otherwise put a class the model
   * all but rules out among the top labels of most photos.
   */
  private double[] confidences(float[] scores, int[] best) {
    double[] confidence = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      confidence[i] = Calibration.apply(calibration[i], scores[i]);
    }
    boolean[] isBest = new boolean[scores.length];
    double floor = Double.MAX_VALUE;
    for (int i : best) {
      isBest[i] = true;
      floor = Math.min(floor, confidence[i]);
    }
    for (int i = 0; i < confidence.length; i++) {
      if (!isBest[i]) {
        confidence[i] = Math.min(confidence[i], floor);
      }
    }
    return confidence;
  }

  /**
   * The indexes of the {@value #MAX_LABELS} highest raw scores, highest first; a NaN score ranks
   * below every number, ties keep the model's order.
   */
  static int[] rawBest(float[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(rankable(scores[b]), rankable(scores[a])));
    int[] best = new int[Math.min(MAX_LABELS, order.length)];
    for (int i = 0; i < best.length; i++) {
      best[i] = order[i];
    }
    return best;
  }

  private static float rankable(float score) {
    return Float.isNaN(score) ? Float.NEGATIVE_INFINITY : score;
  }

  /** Every class in the model's order with its confidence: the model's whole answer. */
  private List<Label> allClasses(double[] confidence) {
    List<Label> all = new ArrayList<>(confidence.length);
    for (int i = 0; i < confidence.length; i++) {
      all.add(new Label(labels.get(i), confidence[i]));
    }
    return all;
  }

  /**
   * The labels a classification reports: the model's best raw classes with their confidences (the
   * classification orders them by confidence).
   */
  private List<Label> labelsOf(int[] best, double[] confidence) {
    List<Label> top = new ArrayList<>(best.length);
    for (int i : best) {
      top.add(new Label(labels.get(i), confidence[i]));
    }
    return top;
  }

  @Override
  public void close() {
    workspaces.close();
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      log.atWarn().setCause(e).log("closing the onnx session failed");
    }
  }

  /** The model, its descriptor and its labels do not fit together, or the model cannot load. */
  public static final class ModelSetupException extends Exception {
    public ModelSetupException(String message) {
      super(message);
    }
  }
}
