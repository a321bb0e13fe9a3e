package io.autotag.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The cold-start baseline: the least a program can do to answer with the bundled model: load it
 * with ONNX Runtime (one intra-op thread, like the provider) and run it once on a constant input.
 */
public final class MinimalOrtColdStart {

  private MinimalOrtColdStart() {}

  public static void main(String[] args) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(ClassifyBenchmark.bundledModel(), options);
          OnnxTensor input =
              OnnxTensor.createTensor(
                  env, FloatBuffer.allocate(512 * 512 * 3), new long[] {1, 512, 512, 3});
          OrtSession.Result result =
              session.run(Map.of(session.getInputNames().iterator().next(), input))) {
        FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
        float max = 0;
        while (out.hasRemaining()) {
          max = Math.max(max, out.get());
        }
        System.out.println("max " + max);
      }
    }
  }
}
