package io.autotag.shared.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExifOrientationTest {

  // A 3x2 image:  1 2 3
  //               4 5 6
  private static final int[] PIXELS = {1, 2, 3, 4, 5, 6};

  @ParameterizedTest
  @CsvSource({
    "1, '1,2,3,4,5,6'",
    "2, '3,2,1,6,5,4'",
    "3, '6,5,4,3,2,1'",
    "4, '4,5,6,1,2,3'",
    "5, '1,4,2,5,3,6'",
    "6, '4,1,5,2,6,3'",
    "7, '6,3,5,2,4,1'",
    "8, '3,6,2,5,1,4'"
  })
  void turnsEveryOrientationUpright(int orientation, String expected) {
    int[] upright = ExifOrientation.apply(PIXELS, 3, 2, orientation);

    assertThat(upright)
        .containsExactly(Arrays.stream(expected.split(",")).mapToInt(Integer::parseInt).toArray());
  }

  @Test
  void readsOrientationFromBothByteOrders() {
    byte[] jpeg = TestPictures.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "jpg");

    assertThat(ExifOrientation.read(TestPictures.withExifOrientation(jpeg, 3, true))).isEqualTo(3);
    assertThat(ExifOrientation.read(TestPictures.withExifOrientation(jpeg, 7, false))).isEqualTo(7);
    assertThat(ExifOrientation.read(jpeg)).isEqualTo(ExifOrientation.NORMAL);
  }

  @Test
  void malformedExifMeansNoRotation() {
    byte[] jpeg = TestPictures.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "jpg");
    byte[] withExif = TestPictures.withExifOrientation(jpeg, 6, false);
    // Point IFD0 far outside the segment.
    byte[] broken = withExif.clone();
    broken[4 + 2 + 6 + 4] = (byte) 0xFF;
    broken[4 + 2 + 6 + 5] = (byte) 0xFF;

    assertThat(ExifOrientation.read(broken)).isEqualTo(ExifOrientation.NORMAL);
    assertThat(ExifOrientation.read(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}))
        .isEqualTo(ExifOrientation.NORMAL);
    // An out-of-range value is ignored too.
    assertThat(ExifOrientation.read(TestPictures.withExifOrientation(jpeg, 9, true)))
        .isEqualTo(ExifOrientation.NORMAL);
  }
}
