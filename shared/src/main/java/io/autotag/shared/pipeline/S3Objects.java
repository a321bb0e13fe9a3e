package io.autotag.shared.pipeline;

import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.tagging.ObjectTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The three S3 calls the pipeline makes per object: read the tag set, read the bytes (or only their
 * first bytes), write the tag set. Every call names the version when there is one. Reads report the
 * eTag of what they actually read, so the tags record the content that was classified even when an
 * unversioned object was overwritten after its event.
 */
public final class S3Objects {

  private final S3Client s3;
  private final S3Presigner presigner;

  public S3Objects(S3Client s3, S3Presigner presigner) {
    this.s3 = s3;
    this.presigner = presigner;
  }

  /**
   * A URL that reads this object version for {@code validity}, signed locally (no call). It is a
   * credential while it lives: only ever hand it to the configured provider, never log it.
   */
  public URI presignedUrl(ObjectRef ref, Duration validity) {
    try {
      return presigner
          .presignGetObject(
              b -> b.signatureDuration(validity).getObjectRequest(request(ref).build()))
          .url()
          .toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("S3 presigner made an invalid URL", e);
    }
  }

  /** The object's current tag set. */
  public List<ObjectTag> tags(ObjectRef ref) throws ObjectGoneException {
    try {
      return s3
          .getObjectTagging(
              b -> b.bucket(ref.bucket()).key(ref.key()).versionId(ref.versionId().orElse(null)))
          .tagSet()
          .stream()
          .map(tag -> new ObjectTag(tag.key(), tag.value()))
          .toList();
    } catch (S3Exception e) {
      throw goneOrRethrow(ref, e);
    }
  }

  /** Replaces the object's tag set. */
  public void writeTags(ObjectRef ref, List<ObjectTag> tags) throws ObjectGoneException {
    List<Tag> tagSet =
        tags.stream().map(t -> Tag.builder().key(t.key()).value(t.value()).build()).toList();
    try {
      s3.putObjectTagging(
          b ->
              b.bucket(ref.bucket())
                  .key(ref.key())
                  .versionId(ref.versionId().orElse(null))
                  .tagging(t -> t.tagSet(tagSet)));
    } catch (S3Exception e) {
      throw goneOrRethrow(ref, e);
    }
  }

  /** The first bytes of an object and the eTag of the content they belong to. */
  public record Head(byte[] bytes, Optional<String> eTag) {}

  /** The first bytes of the object, enough to recognise its format. */
  public Head head(ObjectRef ref) throws ObjectGoneException {
    try {
      var response =
          s3.getObject(
              request(ref).range("bytes=0-" + (ImageFormat.SNIFF_BYTES - 1)).build(),
              ResponseTransformer.toBytes());
      return new Head(response.asByteArray(), Optional.ofNullable(response.response().eTag()));
    } catch (S3Exception e) {
      throw goneOrRethrow(ref, e);
    }
  }

  /**
   * What {@link #read} found: the sniffed format, the bytes (empty when the format is unknown or
   * the object is over the limit), the size read or announced, and the eTag of the content.
   */
  public record Download(
      Optional<ImageFormat> format, Optional<byte[]> data, long size, Optional<String> eTag) {}

  /**
   * Reads the object if its magic bytes say it is an image and it is at most {@code maxBytes} long.
   * Stops after the first bytes when they are not an image, and after {@code maxBytes + 1} bytes
   * when the object is bigger, so neither case downloads the whole object.
   */
  public Download read(ObjectRef ref, long maxBytes) throws ObjectGoneException {
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request(ref).build())) {
      long size = Optional.ofNullable(in.response().contentLength()).orElse(-1L);
      Optional<String> eTag = Optional.ofNullable(in.response().eTag());
      byte[] head = in.readNBytes(ImageFormat.SNIFF_BYTES);
      Optional<ImageFormat> format = ImageFormat.sniff(head);
      if (format.isEmpty() || size > maxBytes) {
        in.abort();
        return new Download(format, Optional.empty(), Math.max(size, head.length), eTag);
      }
      int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1);
      byte[] rest = in.readNBytes(limit - head.length);
      byte[] data = new byte[head.length + rest.length];
      System.arraycopy(head, 0, data, 0, head.length);
      System.arraycopy(rest, 0, data, head.length, rest.length);
      if (data.length > maxBytes) {
        in.abort();
        return new Download(format, Optional.empty(), data.length, eTag);
      }
      return new Download(format, Optional.of(data), data.length, eTag);
    } catch (S3Exception e) {
      throw goneOrRethrow(ref, e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + ref, e);
    }
  }

  private static GetObjectRequest.Builder request(ObjectRef ref) {
    var request = GetObjectRequest.builder().bucket(ref.bucket()).key(ref.key());
    ref.versionId().ifPresent(request::versionId);
    return request;
  }

  private static ObjectGoneException goneOrRethrow(ObjectRef ref, S3Exception e) {
    // NoSuchKey / NoSuchVersion: deleted before we got to it. A missing bucket is a configuration
    // problem, not a deleted object: let it fail loudly and reach the dead-letter queue.
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    if (e.statusCode() == 404 && !"NoSuchBucket".equals(code)) {
      return new ObjectGoneException("deleted: " + ref);
    }
    throw e;
  }
}
