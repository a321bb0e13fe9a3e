package io.autotag.shared.provider.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.autotag.shared.provider.onnx.OnnxClassifier.ModelSetupException;
import java.util.Arrays;

/**
 * Checks, once at start-up, that a loaded model fits its descriptor and labels: the input the
 * descriptor names exists with a compatible shape, the output exists and is a tensor, and it
 * declares as many classes as there are labels. A mismatch fails the start with a message that
 * names both sides, never file contents.
 */
final class ModelCheck {

  private ModelCheck() {}

  /**
   * Validates names, shapes and label count; returns the output shape to pin (ONNX Runtime writes
   * into a buffer of that shape), or null when the output's shape is dynamic.
   */
  static long[] pinnedOutputShape(OrtSession session, ModelDescriptor descriptor, int labelCount)
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
      long classes = OutputScores.classCount(output, shape);
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

  private static String shapeOf(NodeInfo info) {
    return info.getInfo() instanceof TensorInfo t ? Arrays.toString(t.getShape()) : "not a tensor";
  }
}
