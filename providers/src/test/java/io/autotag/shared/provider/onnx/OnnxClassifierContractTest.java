package io.autotag.shared.provider.onnx;

import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ClassifierContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared contract against the embedded provider with a user's softmax model. An embedded model
 * cannot be scripted to answer given labels or to fail like a server, so those contract tests are
 * skipped (the contract's own rule); sorting, the 0..1 range, naming, capabilities and concurrency
 * are checked on the model's real answers. The bundled detector passes the same contract in {@link
 * Coco80ContractTest}.
 */
class OnnxClassifierContractTest extends ClassifierContract {

  private static OnnxClassifier classifier;

  @BeforeAll
  static void load() {
    classifier = OnnxUserModelTest.build(Map.of(OnnxSettings.MODEL, OnnxUserModelTest.MODEL));
  }

  @AfterAll
  static void close() {
    classifier.close();
  }

  @Override
  protected Classifier classifier() {
    return classifier;
  }

  @Override
  protected List<Boolean> multiLabelModes() {
    return List.of(false);
  }
}
