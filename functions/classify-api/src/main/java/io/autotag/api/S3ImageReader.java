package io.autotag.api;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads an allowed S3 object's bytes for providers that cannot take an S3 reference, refusing
 * objects over the cap from their size before reading, and stopping at the cap while streaming.
 */
final class S3ImageReader {

  private final S3Client s3;

  S3ImageReader(S3Client s3) {
    this.s3 = s3;
  }

  /** The object's bytes, at most {@code maxBytes}; {@code versionId} {@code null}: the latest. */
  byte[] read(String bucket, String key, String versionId, long maxBytes) {
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(b -> b.bucket(bucket).key(key).versionId(versionId))) {
      Long length = in.response().contentLength();
      if (length != null && length > maxBytes) {
        in.abort();
        throw ApiException.tooLarge("the S3 object is larger than " + maxBytes + " bytes");
      }
      return readCapped(in, maxBytes);
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw ApiException.notFound("image-not-found", "the S3 object does not exist");
    } catch (S3Exception e) {
      if (e.statusCode() == 403) {
        throw ApiException.forbidden("s3-access-denied", "autotag may not read that S3 object");
      }
      if (e.statusCode() == 404) {
        throw ApiException.notFound("image-not-found", "the S3 object does not exist");
      }
      throw new ApiException(502, "s3-unavailable", "S3 could not be read, try again", e);
    } catch (SdkClientException | IOException e) {
      throw new ApiException(502, "s3-unavailable", "S3 could not be read, try again", e);
    }
  }

  private static byte[] readCapped(InputStream in, long maxBytes) throws IOException {
    byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (data.length > maxBytes) {
      throw ApiException.tooLarge("the S3 object is larger than " + maxBytes + " bytes");
    }
    return data;
  }
}
