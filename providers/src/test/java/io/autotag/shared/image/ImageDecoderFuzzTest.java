package io.autotag.shared.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.autotag.shared.classify.ClassificationException;

/**
 * Coverage-guided fuzzing of the decoder with every format's readers: any exception other than
 * {@link ClassificationException}, any hang and any allocation beyond the limits is a bug. In the
 * build the committed inputs ({@code ImageDecoderFuzzTestInputs/}) run as regression tests; {@code
 * JAZZER_FUZZ=1} fuzzes (docs/fuzzing.md).
 */
class ImageDecoderFuzzTest {

  private static final ImageDecoder DECODER = ImageDecoder.create();

  @FuzzTest(maxDuration = "3m")
  void decode(byte[] data) {
    try {
      DecodedImage image = DECODER.decode(data, 512, 512);
      if (image.width() <= 0 || image.height() <= 0) {
        throw new AssertionError("decoded an empty bitmap");
      }
    } catch (ClassificationException expected) {
      // a typed refusal: what untrusted bytes should get
    }
  }
}
