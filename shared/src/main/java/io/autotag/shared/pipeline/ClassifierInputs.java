package io.autotag.shared.pipeline;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.classify.ProviderCapabilities;
import java.util.Optional;

/**
 * The input checks in front of the classifier: decides how the provider gets an object (an S3
 * reference or a presigned URL when it reads objects itself, else the bytes), refuses what is
 * empty, too large or not an image the provider takes, and reads no more of the object than that
 * takes: nothing for a size the event already rules out, the first bytes for a provider that reads
 * the object itself.
 */
final class ClassifierInputs {

  /** What the checks decided, with the object as read when it was. */
  sealed interface Prepared {
    /** The object as known: the read eTag and size once the object was read, else the event's. */
    ObjectRef known();
  }

  /** The provider gets {@code input}; {@code format} is what the magic bytes said. */
  record Ready(ObjectRef known, ImageInput input, ImageFormat format) implements Prepared {}

  /** The object cannot be classified, for a reason that no retry changes. */
  record Refused(ObjectRef known, ClassificationException problem) implements Prepared {}

  private final ObjectStore objects;
  private final PipelineSettings settings;

  ClassifierInputs(ObjectStore objects, PipelineSettings settings) {
    this.objects = objects;
    this.settings = settings;
  }

  Prepared prepare(ObjectRef ref, ProviderCapabilities capabilities) throws ObjectGoneException {
    long size = ref.size().orElse(-1L);
    if (size == 0) {
      return refused(ref, FailureReason.EMPTY, "the object is empty");
    }
    long limit = Math.min(settings.maxObjectBytes(), capabilities.maxObjectBytes());
    if (size > limit) {
      return refused(ref, FailureReason.TOO_LARGE, "the object is " + size + " bytes");
    }
    boolean fitsReference = size > 0 && size <= capabilities.maxReferenceBytes();
    boolean byReference = capabilities.acceptsS3Reference() && fitsReference;
    boolean byUrl =
        !byReference && settings.presignedUrls() && capabilities.acceptsUrl() && fitsReference;
    if (byReference || byUrl) {
      // The provider reads the object itself: only its magic bytes cross the wire here.
      Content head = objects.head(ref);
      Optional<ClassificationException> unsupported = unsupported(head, capabilities);
      if (unsupported.isPresent()) {
        return new Refused(head.read(), unsupported.get());
      }
      ImageFormat format = head.format().orElseThrow();
      ImageInput input =
          byReference
              ? ImageInput.S3Object.of(ref, format)
              : ImageInput.Url.of(
                  objects.presignedUrl(ref, settings.presignedUrlValidity()),
                  format,
                  ref.size().orElse(null));
      return new Ready(head.read(), input, format);
    }
    Content content = objects.read(ref, Math.min(limit, capabilities.maxBytes()));
    ObjectRef read = content.read();
    if (read.size().orElse(-1L) == 0) {
      return refused(read, FailureReason.EMPTY, "the object is empty");
    }
    Optional<ClassificationException> unsupported = unsupported(content, capabilities);
    if (unsupported.isPresent()) {
      return new Refused(read, unsupported.get());
    }
    if (content.data().isEmpty()) {
      return refused(read, FailureReason.TOO_LARGE, "the object is over " + limit + " bytes");
    }
    ImageFormat format = content.format().orElseThrow();
    return new Ready(read, ImageInput.Bytes.of(content.data().get(), format), format);
  }

  private static Optional<ClassificationException> unsupported(
      Content content, ProviderCapabilities capabilities) {
    Optional<ImageFormat> format = content.format();
    if (format.isPresent() && capabilities.accepts(format.get())) {
      return Optional.empty();
    }
    return Optional.of(
        new ClassificationException(
            FailureReason.UNSUPPORTED_TYPE,
            format.map(f -> f.mediaType() + " is not supported").orElse("not an image")));
  }

  private static Refused refused(ObjectRef known, FailureReason reason, String message) {
    return new Refused(known, new ClassificationException(reason, message));
  }
}
