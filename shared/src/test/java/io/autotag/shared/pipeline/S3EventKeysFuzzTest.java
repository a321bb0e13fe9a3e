package io.autotag.shared.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

/**
 * Fuzzes S3 event key decoding: a key decodes, or is refused with the documented {@link
 * IllegalArgumentException} (a malformed percent escape); and every key S3 could hold survives
 * encoding and decoding unchanged. Corpus: {@code S3EventKeysFuzzTestInputs/}; fuzzing:
 * docs/fuzzing.md.
 */
class S3EventKeysFuzzTest {

  // Never null: the tagger reads the key with asText("") and refuses an empty one first.
  @FuzzTest(maxDuration = "2m")
  void decode(@NotNull String encoded) {
    try {
      S3EventKeys.decode(encoded);
    } catch (IllegalArgumentException expected) {
      // documented: a malformed escape; the tagger reports the record as malformed
    }
    // Any text that is valid UTF-16 (S3 keys are UTF-8) must survive the round trip.
    boolean validUnicode = encoded.equals(new String(encoded.getBytes(UTF_8), UTF_8));
    if (validUnicode && !S3EventKeys.decode(S3EventKeys.encode(encoded)).equals(encoded)) {
      throw new AssertionError("round trip changed the key");
    }
  }
}
