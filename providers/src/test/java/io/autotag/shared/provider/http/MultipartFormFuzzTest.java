package io.autotag.shared.provider.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the multipart/form-data parser with any boundary and body: it returns parts or throws
 * {@link MultipartForm.MalformedMultipartException} (a 400), never another exception. Corpus:
 * {@code MultipartFormFuzzTestInputs/}; fuzzing: docs/fuzzing.md.
 */
class MultipartFormFuzzTest {

  /** Input: one byte n (the boundary's length, mod 80), n bytes of boundary, then the body. */
  @FuzzTest(maxDuration = "2m")
  void parse(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int n = Math.min((input[0] & 0xFF) % 80, input.length - 1);
    String boundary = new String(input, 1, n, StandardCharsets.ISO_8859_1);
    byte[] body = Arrays.copyOfRange(input, 1 + n, input.length);
    try {
      MultipartForm form = MultipartForm.parse(body, boundary);
      form.text("modelId");
      form.part("sampleContent");
    } catch (MultipartForm.MalformedMultipartException expected) {
      // typed: the API answers 400
    }
  }
}
