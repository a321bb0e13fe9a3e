package io.autotag.shared.provider;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.config.Settings;
import io.autotag.shared.image.Downscaler;
import io.autotag.shared.image.ImageDecoder;

/**
 * Whether hosted providers shrink images above their byte limit instead of refusing them ({@code
 * AUTOTAG_PROVIDER_DOWNSCALE}, default true), and the largest original they will try to shrink
 * ({@code AUTOTAG_DOWNSCALE_MAX_INPUT_BYTES}, default 50 MiB). A provider advertises that larger
 * size as the bytes it accepts, so the pipeline downloads such images instead of skipping them.
 * {@code downscaler} is {@code null} when downscaling is off.
 */
public record Downscaling(boolean enabled, long maxInputBytes, Downscaler downscaler) {

  public static final long DEFAULT_MAX_INPUT_BYTES = 50L * 1024 * 1024;

  public static Downscaling from(Settings settings) {
    boolean enabled = settings.bool("AUTOTAG_PROVIDER_DOWNSCALE", true);
    long maxInput =
        settings.longValue(
            "AUTOTAG_DOWNSCALE_MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES, 1, 1024L * 1024 * 1024);
    // The same pixel limit as the embedded model's decoder: one decompression-bomb guard.
    long maxPixels =
        settings.longValue(
            ImageDecoder.MAX_PIXELS_VARIABLE, ImageDecoder.DEFAULT_MAX_PIXELS, 1, 1_000_000_000L);
    return enabled
        ? new Downscaling(true, maxInput, Downscaler.create(ImageDecoder.create(maxPixels)))
        : off();
  }

  public static Downscaling on(long maxInputBytes) {
    return new Downscaling(true, maxInputBytes, Downscaler.create());
  }

  public static Downscaling off() {
    return new Downscaling(false, 0, null);
  }

  /** The largest image, as bytes, a provider with {@code providerLimit} can take. */
  public long acceptedBytes(long providerLimit) {
    return enabled ? Math.max(providerLimit, maxInputBytes) : providerLimit;
  }

  /**
   * The image, shrunk to {@code providerLimit} when it is larger and downscaling is on.
   *
   * @throws ClassificationException {@code TOO_LARGE} when it is larger and cannot be shrunk
   */
  public ImageInput.Bytes fit(ImageInput.Bytes image, long providerLimit, String provider)
      throws ClassificationException {
    if (image.data().length <= providerLimit) {
      return image;
    }
    if (downscaler == null) {
      throw new ClassificationException(
          FailureReason.TOO_LARGE,
          "the image is "
              + image.data().length
              + " bytes; "
              + provider
              + " takes at most "
              + providerLimit);
    }
    return downscaler.fit(image, providerLimit);
  }
}
