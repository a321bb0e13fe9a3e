package io.autotag.shared.image;

import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageSize;
import java.util.Objects;

/**
 * An image decoded to packed sRGB pixels ({@code 0xRRGGBB}, row by row, alpha already composited on
 * white), upright (EXIF orientation applied), usually smaller than the original because it was
 * decoded subsampled. {@code originalSize} is the size the file declares, before subsampling and
 * before rotation.
 *
 * <p>The pixel array is shared, not copied, to keep decoding cheap: treat it as read-only.
 */
public record DecodedImage(
    int width, int height, int[] rgb, ImageSize originalSize, ImageFormat format) {

  public DecodedImage {
    Objects.requireNonNull(rgb, "rgb");
    Objects.requireNonNull(originalSize, "originalSize");
    Objects.requireNonNull(format, "format");
    if (width <= 0 || height <= 0 || rgb.length < width * height) {
      throw new IllegalArgumentException("pixel array does not match " + width + "x" + height);
    }
  }

  /** The packed {@code 0xRRGGBB} pixel at column {@code x}, row {@code y}. */
  public int rgbAt(int x, int y) {
    return rgb[y * width + x];
  }
}
