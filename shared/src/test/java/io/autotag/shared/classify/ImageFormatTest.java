package io.autotag.shared.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageFormatTest {

  @Test
  void recognisesRealImagesByTheirBytes() {
    assertThat(ImageFormat.sniff(TestImages.png(Color.RED))).contains(ImageFormat.PNG);
    assertThat(ImageFormat.sniff(TestImages.jpeg(Color.RED))).contains(ImageFormat.JPEG);
    assertThat(ImageFormat.sniff("GIF89a........".getBytes(StandardCharsets.US_ASCII)))
        .contains(ImageFormat.GIF);
    assertThat(ImageFormat.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII)))
        .contains(ImageFormat.WEBP);
  }

  @Test
  void refusesWhatOnlyLooksLikeAnImage() {
    assertThat(ImageFormat.sniff("hello, world".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    assertThat(ImageFormat.sniff("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)))
        .isEmpty();
    assertThat(ImageFormat.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8})).isEmpty();
    assertThat(ImageFormat.sniff(new byte[0])).isEmpty();
  }
}
