package io.autotag.shared.classify;

/** Pixel dimensions of an image, when the provider or decoder reports them. */
public record ImageSize(int width, int height) {

  public ImageSize {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
  }

  public long pixels() {
    return (long) width * height;
  }
}
