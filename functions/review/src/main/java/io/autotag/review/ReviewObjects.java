package io.autotag.review;

import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.ObjectGoneException;
import io.autotag.shared.pipeline.S3Objects;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.tagging.ObjectTag;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What the review function asks S3 about the object a message names, and the tag write of a
 * verdict. {@link #inspect} compares the key's current content ({@code HeadObject} without a
 * version: a delete marker or a newer version count) with the version and eTag the message names,
 * and reads that version's tags, both at once.
 */
final class ReviewObjects {

  /** What S3 says about the object now. */
  sealed interface State {}

  /** Deleted (or its version is): nothing left to judge. */
  record Gone() implements State {}

  /** The key holds other content than the message named: that content has its own review. */
  record Changed() implements State {}

  /** Still the content that was queued, with its current tags. */
  record Current(List<ObjectTag> tags, long size, Instant lastModified) implements State {}

  private final S3Client s3;
  private final S3Objects objects;
  private final S3Presigner presigner;
  private final Duration urlValidity;
  private final Executor executor;

  ReviewObjects(S3Client s3, S3Presigner presigner, Duration urlValidity, Executor executor) {
    this.s3 = s3;
    this.objects = new S3Objects(s3, presigner);
    this.presigner = presigner;
    this.urlValidity = urlValidity;
    this.executor = executor;
  }

  static ObjectRef ref(ReviewMessage message) {
    return ObjectRef.of(
        message.bucket(), message.key(), message.versionId(), message.eTag(), message.size());
  }

  State inspect(ReviewMessage message) {
    ObjectRef ref = ref(message);
    CompletableFuture<Optional<HeadObjectResponse>> head =
        CompletableFuture.supplyAsync(() -> head(ref), executor);
    CompletableFuture<Optional<List<ObjectTag>>> tags =
        CompletableFuture.supplyAsync(() -> tags(ref), executor);
    Optional<HeadObjectResponse> current = join(head);
    Optional<List<ObjectTag>> currentTags = join(tags);
    if (current.isEmpty() || currentTags.isEmpty()) {
      return new Gone();
    }
    HeadObjectResponse now = current.get();
    boolean sameVersion =
        ref.versionId().isEmpty() || Objects.equals(ref.versionId().get(), now.versionId());
    boolean sameContent =
        ref.eTag().isEmpty()
            || now.eTag() == null
            || ref.eTag().get().equals(ObjectRef.unquote(now.eTag()));
    if (!sameVersion || !sameContent) {
      return new Changed();
    }
    return new Current(
        currentTags.get(),
        Objects.requireNonNullElse(now.contentLength(), ref.size().orElse(-1L)),
        Objects.requireNonNullElse(now.lastModified(), Instant.EPOCH));
  }

  private Optional<HeadObjectResponse> head(ObjectRef ref) {
    try {
      return Optional.of(s3.headObject(b -> b.bucket(ref.bucket()).key(ref.key())));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty(); // deleted, or a delete marker is the current version
      }
      throw e;
    }
  }

  private Optional<List<ObjectTag>> tags(ObjectRef ref) {
    try {
      return Optional.of(objects.tags(ref));
    } catch (ObjectGoneException e) {
      return Optional.empty();
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }

  /** Replaces the tag set of the version the message names. */
  void writeTags(ReviewMessage message, List<ObjectTag> tags) throws ObjectGoneException {
    objects.writeTags(ref(message), tags);
  }

  /**
   * A short-lived URL the reviewer's browser loads the image from, signed locally. S3 is told to
   * answer with the sniffed image type, so whatever {@code Content-Type} the uploader set, the
   * browser gets an image.
   */
  URI imageUrl(ReviewMessage message) {
    try {
      return presigner
          .presignGetObject(
              p ->
                  p.signatureDuration(urlValidity)
                      .getObjectRequest(
                          g -> {
                            g.bucket(message.bucket()).key(message.key());
                            if (message.versionId() != null) {
                              g.versionId(message.versionId());
                            }
                            if (message.contentType() != null
                                && message.contentType().matches("image/[a-z0-9.+-]+")) {
                              g.responseContentType(message.contentType());
                            }
                          }))
          .url()
          .toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("S3 presigner made an invalid URL", e);
    }
  }
}
