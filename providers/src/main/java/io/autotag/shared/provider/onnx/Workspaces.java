package io.autotag.shared.provider.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pool of per-caller buffers one session runs with. A {@link Workspace} is a direct input
 * buffer wrapped (not copied) by the input tensor and, for a model with a static output shape, a
 * pinned output tensor ONNX Runtime writes into, so a run allocates neither. Concurrent callers
 * each {@link #take} their own and {@link #give} it back; the pool grows to the highest concurrency
 * seen and never shares a buffer between two calls.
 */
final class Workspaces implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelDescriptor descriptor;
  private final int labelCount;
  private final long[] pinnedOutputShape;
  private final ConcurrentLinkedQueue<Workspace> idle = new ConcurrentLinkedQueue<>();

  /**
   * @param pinnedOutputShape the output shape to pin ({@link ModelCheck#pinnedOutputShape}), or
   *     null to let ONNX Runtime allocate the output per run
   */
  Workspaces(
      OrtEnvironment env,
      OrtSession session,
      ModelDescriptor descriptor,
      int labelCount,
      long[] pinnedOutputShape) {
    this.env = env;
    this.session = session;
    this.descriptor = descriptor;
    this.labelCount = labelCount;
    this.pinnedOutputShape = pinnedOutputShape;
  }

  /** An idle workspace, or a new one when every workspace is in use. */
  Workspace take() throws OrtException {
    Workspace workspace = idle.poll();
    return workspace != null ? workspace : new Workspace();
  }

  /** Returns a workspace taken from this pool. */
  void give(Workspace workspace) {
    idle.offer(workspace);
  }

  /** Frees the idle workspaces' tensors (call once no classification runs any more). */
  @Override
  public void close() {
    Workspace workspace;
    while ((workspace = idle.poll()) != null) {
      workspace.close();
    }
  }

  /** One caller's buffers. */
  final class Workspace implements AutoCloseable {
    final FloatBuffer input;
    private final OnnxTensor inputTensor;
    private final FloatBuffer output;
    private final OnnxTensor outputTensor;
    private final float[] raw;

    private Workspace() throws OrtException {
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

    /** Runs the session on what {@link #input} holds; the per-class scores of this one pass. */
    float[] run() throws OrtException {
      String outputName = descriptor.output().name();
      Map<String, OnnxTensor> inputs = Map.of(descriptor.input().name(), inputTensor);
      if (outputTensor != null) {
        try (OrtSession.Result ignored = session.run(inputs, Map.of(outputName, outputTensor))) {
          output.get(0, raw);
          return OutputScores.decode(descriptor.output(), raw, labelCount);
        }
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
        OnnxTensor tensor = (OnnxTensor) result.get(outputName).orElseThrow();
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        long classes = OutputScores.classCount(descriptor.output(), tensor.getInfo().getShape());
        if (classes != labelCount) {
          throw new IllegalStateException(
              "the model produced " + classes + " classes for " + labelCount + " labels");
        }
        return OutputScores.decode(descriptor.output(), values, labelCount);
      }
    }

    private static FloatBuffer direct(int floats) {
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
}
