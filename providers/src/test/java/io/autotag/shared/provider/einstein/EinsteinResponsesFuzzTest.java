package io.autotag.shared.provider.einstein;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.Label;
import java.io.IOException;

/**
 * Fuzzes the reading of Einstein Vision's prediction response: whatever the server answers, the
 * result is labels with confidences in 0..1 or a {@link EinsteinResponses.MalformedException}.
 * Corpus: {@code EinsteinResponsesFuzzTestInputs/}; fuzzing: docs/fuzzing.md.
 */
class EinsteinResponsesFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest(maxDuration = "3m")
  void labels(byte[] body) {
    String sampleId = "sample-1";
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException notJson) {
      root = null; // what the classifier passes for a body that is not JSON
    }
    try {
      for (Label label : EinsteinResponses.labels(root, sampleId)) {
        if (!(label.confidence() >= 0 && label.confidence() <= 1) || label.name().isBlank()) {
          throw new AssertionError("accepted " + label);
        }
      }
    } catch (EinsteinResponses.MalformedException expected) {
      // typed: the classifier reports the provider as answering malformed JSON
    }
  }
}
