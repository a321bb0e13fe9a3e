package io.autotag.shared.pipeline;

import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.tagging.ObjectTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The {@link ObjectStore} on S3: {@code GetObjectTagging}, {@code GetObject} (a range of the first
 * bytes, or the whole object), {@code PutObjectTagging}, and presigned {@code GetObject} URLs. A
 * 404 other than {@code NoSuchBucket} means the object (version) is gone.
 */
public final class S3Objects implements ObjectStore {

  private final S3Client s3;
  private final S3Presigner presigner;

  public S3Objects(S3Client s3, S3Presigner presigner) {
    this.s3 = s3;
    this.presigner = presigner;
  }

  @Override
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

  @Override
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

  @Override
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

  @Override
  public Content head(ObjectRef ref) throws ObjectGoneException {
    try {
      var response =
          s3.getObject(
              request(ref).range("bytes=0-" + (ImageFormat.SNIFF_BYTES - 1)).build(),
              ResponseTransformer.toBytes());
      return Content.of(
          ref.withETag(response.response().eTag()),
          ImageFormat.sniff(response.asByteArray()).orElse(null),
          null);
    } catch (S3Exception e) {
      throw goneOrRethrow(ref, e);
    }
  }

  @Override
  public Content read(ObjectRef ref, long maxBytes) throws ObjectGoneException {
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request(ref).build())) {
      Long announced = in.response().contentLength();
      long size = announced == null ? -1L : announced;
      ObjectRef read = ref.withETag(in.response().eTag());
      byte[] head = in.readNBytes(ImageFormat.SNIFF_BYTES);
      ImageFormat format = ImageFormat.sniff(head).orElse(null);
      if (format == null || size > maxBytes) {
        in.abort();
        return Content.of(read.withSize(Math.max(size, head.length)), format, null);
      }
      int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1);
      byte[] rest = in.readNBytes(limit - head.length);
      byte[] data = new byte[head.length + rest.length];
      System.arraycopy(head, 0, data, 0, head.length);
      System.arraycopy(rest, 0, data, head.length, rest.length);
      if (data.length > maxBytes) {
        in.abort();
        return Content.of(read.withSize(data.length), format, null);
      }
      return Content.of(read.withSize(data.length), format, data);
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
