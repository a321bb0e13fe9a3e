package io.autotag.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Fuzzes the reading of API Gateway proxy events, payload 1.0 and 2.0 (headers, query strings,
 * base64 bodies): the result is a request or {@link ApiEvents.MalformedEventException}, never
 * another exception. Corpus: {@code ApiEventsFuzzTestInputs/} (the v1 and v2 sample events);
 * fuzzing: docs/fuzzing.md.
 */
class ApiEventsFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ApiEvents EVENTS = new ApiEvents(JSON);

  @FuzzTest(maxDuration = "2m")
  void read(byte[] event) {
    JsonNode root;
    try {
      root = JSON.readTree(event);
    } catch (IOException notJson) {
      return; // the handler answers before reading the event
    }
    try {
      EVENTS.read(root, "fuzz");
    } catch (ApiEvents.MalformedEventException expected) {
      // typed: the handler answers 400
    }
  }
}
