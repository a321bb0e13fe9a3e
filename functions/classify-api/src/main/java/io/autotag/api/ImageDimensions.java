package io.autotag.api;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ImageSize;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The pixel size of an image, for responses whose shape has an {@code image} object (Roboflow's)
 * when the provider did not report it. Reads the header only, never decodes the pixels.
 */
final class ImageDimensions {

  private ImageDimensions() {}

  static Optional<ImageSize> of(Classification result, ImageInput input) {
    if (result.imageSize() != null) {
      return Optional.of(result.imageSize());
    }
    return input instanceof ImageInput.Bytes bytes ? read(bytes.data()) : Optional.empty();
  }

  static Optional<ImageSize> read(byte[] data) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      if (in == null) {
        return Optional.empty();
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return Optional.empty();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        return width > 0 && height > 0
            ? Optional.of(new ImageSize(width, height))
            : Optional.empty();
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // a damaged header: the size is simply unknown
    }
  }
}
