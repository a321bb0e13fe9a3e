package io.autotag.shared.provider.roboflow;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.Label;
import java.io.IOException;

/**
 * Fuzzes the reading of Roboflow's single- and multi-label responses: whatever the server answers,
 * the result is labels with confidences in 0..1 or a {@link RoboflowResponses.MalformedException}.
 * Corpus: {@code RoboflowResponsesFuzzTestInputs/}; fuzzing: docs/fuzzing.md.
 */
class RoboflowResponsesFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest(maxDuration = "3m")
  void parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException notJson) {
      return; // the classifier refuses a body that is not JSON before parsing
    }
    try {
      RoboflowResponses.Parsed parsed = RoboflowResponses.parse(root);
      for (Label label : parsed.labels()) {
        if (!(label.confidence() >= 0 && label.confidence() <= 1)) {
          throw new AssertionError("accepted " + label);
        }
      }
    } catch (RoboflowResponses.MalformedException expected) {
      // typed: the classifier reports the provider as answering malformed JSON
    }
  }
}
