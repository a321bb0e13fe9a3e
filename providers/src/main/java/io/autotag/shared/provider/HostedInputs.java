package io.autotag.shared.provider;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ProviderCapabilities;

/**
 * The input checks shared by hosted providers that take bytes or a URL (Roboflow, Einstein): the
 * format must be one they accept, bytes must not be empty and are shrunk to the provider's limit,
 * URLs pass through, and S3 references are refused because those services cannot read S3.
 */
public final class HostedInputs {

  private HostedInputs() {}

  public static ImageInput bytesOrUrl(
      ImageInput image,
      ProviderCapabilities capabilities,
      Downscaling downscaling,
      long providerLimit,
      String provider)
      throws ClassificationException {
    if (image.format().isPresent() && !capabilities.accepts(image.format().get())) {
      throw new ClassificationException(
          FailureReason.UNSUPPORTED_TYPE,
          provider + " does not take " + image.format().get().mediaType());
    }
    return switch (image) {
      case ImageInput.Bytes bytes -> {
        if (bytes.data().length == 0) {
          throw new ClassificationException(FailureReason.EMPTY, "the image is empty");
        }
        yield downscaling.fit(bytes, providerLimit, provider);
      }
      case ImageInput.Url url -> url;
      case ImageInput.S3Object s3 ->
          throw new ClassificationException(
              FailureReason.REJECTED, provider + " cannot read S3 objects; send bytes or a URL");
    };
  }
}
