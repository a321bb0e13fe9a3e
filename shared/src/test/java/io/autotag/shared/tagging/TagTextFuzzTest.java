package io.autotag.shared.tagging;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes tag text cleaning with any Unicode: what {@link TagText#sanitize} returns is always a
 * value S3 accepts (allowed characters only, at most the length asked for, no half surrogate pair).
 * Corpus: {@code TagTextFuzzTestInputs/}; fuzzing: docs/fuzzing.md.
 */
class TagTextFuzzTest {

  /**
   * Input: one byte for the length limit (1..256), then UTF-16 text: any char, lone surrogates
   * included.
   */
  @FuzzTest(maxDuration = "3m")
  void sanitize(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int maxLength = 1 + (input[0] & 0xFF);
    String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_16BE);

    String clean = TagText.sanitize(text, maxLength);

    if (!TagText.isValid(clean, maxLength)) {
      throw new AssertionError("not a valid tag text: " + clean.codePoints().boxed().toList());
    }
    for (int i = 0; i < clean.length(); i++) {
      char c = clean.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < clean.length() && Character.isLowSurrogate(clean.charAt(i + 1))
              : !Character.isLowSurrogate(c)
                  || i > 0 && Character.isHighSurrogate(clean.charAt(i - 1));
      if (!paired) {
        throw new AssertionError("half a surrogate pair at " + i);
      }
    }
    String cut = TagText.truncate(text, maxLength);
    if (cut.length() > maxLength || !text.startsWith(cut)) {
      throw new AssertionError("truncate did not cut to a prefix of at most " + maxLength);
    }
  }
}
