package io.autotag.shared.classify;

import java.util.Objects;
import java.util.Set;

/**
 * What a provider accepts: the largest image it takes as bytes, whether it can fetch an image
 * itself from a URL or an S3 reference (so the caller need not download it), the largest object it
 * takes by reference, and the image formats it understands.
 */
public record ProviderCapabilities(
    long maxBytes,
    boolean acceptsUrl,
    boolean acceptsS3Reference,
    long maxReferenceBytes,
    Set<ImageFormat> formats) {

  public ProviderCapabilities {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    formats = Set.copyOf(Objects.requireNonNull(formats, "formats"));
  }

  /** Capabilities of a provider that only takes bytes. */
  public static ProviderCapabilities bytesOnly(long maxBytes, Set<ImageFormat> formats) {
    return new ProviderCapabilities(maxBytes, false, false, 0, formats);
  }

  public boolean accepts(ImageFormat format) {
    return formats.contains(format);
  }

  /** The largest object this provider can classify one way or another. */
  public long maxObjectBytes() {
    return acceptsS3Reference || acceptsUrl ? Math.max(maxBytes, maxReferenceBytes) : maxBytes;
  }
}
