package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.net.FetchException;
import io.autotag.shared.net.FetchedBody;
import io.autotag.shared.net.SafeUrlFetcher;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns what a request says about its image (inline bytes, a base64 string, a URL, an S3 location)
 * into an {@link ImageInput} for the chosen classifier, enforcing the limits on the way: inline
 * images above the Lambda payload budget are refused with 413 and a pointer to URL or S3 input,
 * bytes that are not an image with 415, bad base64 with 400, URLs through the SSRF-safe fetcher (or
 * vetted and passed on when the provider fetches them itself), S3 only from allowed buckets.
 */
final class ImageResolver {

  private final long maxInlineBytes;
  private final Set<String> s3Buckets;
  private final SafeUrlFetcher fetcher;
  private final S3ImageReader s3;

  ImageResolver(
      long maxInlineBytes, Set<String> s3Buckets, SafeUrlFetcher fetcher, S3ImageReader s3) {
    this.maxInlineBytes = maxInlineBytes;
    this.s3Buckets = Set.copyOf(s3Buckets);
    this.fetcher = fetcher;
    this.s3 = s3;
  }

  /** {@code {"type": "base64"|"url"|"s3", "value": ...}}; {@code allowS3} is off for Roboflow. */
  ImageInput fromJson(JsonNode image, Classifier target, boolean allowS3) throws FetchException {
    if (image == null || !image.isObject()) {
      throw ApiException.badRequest(
          "invalid-request", "image must be an object with a type and a value");
    }
    String type = image.path("type").asText("").toLowerCase(Locale.ROOT);
    JsonNode value = image.path("value");
    if (!value.isTextual() || value.asText().isBlank()) {
      throw ApiException.badRequest("invalid-request", "image.value must be a non-empty string");
    }
    return switch (type) {
      case "base64" -> fromBase64(value.asText());
      case "url" -> fromUrl(value.asText());
      case "s3" -> {
        if (!allowS3) {
          throw ApiException.badRequest("invalid-request", "image.type must be base64 or url");
        }
        yield fromS3(value.asText(), target);
      }
      default ->
          throw ApiException.badRequest(
              "invalid-request",
              allowS3
                  ? "image.type must be base64, url or s3"
                  : "image.type must be base64 or url");
    };
  }

  /** Bytes carried in the request. */
  ImageInput fromBytes(byte[] data) {
    if (data.length == 0) {
      throw ApiException.badRequest(FailureReason.EMPTY.code(), "the image is empty");
    }
    if (data.length > maxInlineBytes) {
      throw inlineTooLarge();
    }
    return sniffed(data);
  }

  /**
   * A base64 string, as Roboflow and Einstein clients send it: whitespace and line breaks ignored,
   * a {@code data:...;base64,} prefix and the URL-safe alphabet accepted, and a form-encoded string
   * ({@code %2B} for {@code +}) decoded first.
   */
  ImageInput fromBase64(String text) {
    String cleaned = text.strip();
    if (cleaned.startsWith("data:")) {
      int comma = cleaned.indexOf(',');
      cleaned = comma < 0 ? "" : cleaned.substring(comma + 1);
    }
    if (cleaned.indexOf('%') >= 0) {
      try {
        cleaned = URLDecoder.decode(cleaned.replace("+", "%2B"), StandardCharsets.US_ASCII);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("malformed-base64", "the image is not valid base64");
      }
    }
    if ((long) cleaned.length() * 3 / 4 - 2 > maxInlineBytes) {
      throw inlineTooLarge(); // checked from the length alone, before decoding anything
    }
    try {
      // The common case: one clean base64 string, decoded without copying it first.
      return fromBytes(Base64.getDecoder().decode(cleaned));
    } catch (IllegalArgumentException notPlain) {
      // fall through: line breaks, the URL-safe alphabet or missing padding
    }
    StringBuilder compact = new StringBuilder(cleaned.length());
    for (int i = 0; i < cleaned.length(); i++) {
      char c = cleaned.charAt(i);
      if (!Character.isWhitespace(c)) {
        compact.append(c == '-' ? '+' : c == '_' ? '/' : c);
      }
    }
    if (compact.isEmpty()) {
      throw ApiException.badRequest(FailureReason.EMPTY.code(), "the image is empty");
    }
    byte[] data;
    try {
      data = Base64.getDecoder().decode(compact.toString());
    } catch (IllegalArgumentException e) {
      try {
        // Unpadded base64 is common in hand-written clients.
        data = Base64.getDecoder().decode(pad(compact));
      } catch (IllegalArgumentException again) {
        throw ApiException.badRequest("malformed-base64", "the image is not valid base64");
      }
    }
    return fromBytes(data);
  }

  ImageInput fromUrl(String text) throws FetchException {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw ApiException.badRequest("invalid-image-url", "the image URL is not a valid URL");
    }
    // Always fetched here, never handed to the provider: our fetcher re-checks every redirect
    // and every address, while a provider (a self-hosted Roboflow server inside the VPC, say)
    // would follow a redirect to an internal address or read an address form differently.
    FetchedBody body = fetcher.fetch(uri);
    if (body.body().length == 0) {
      throw ApiException.badRequest(FailureReason.EMPTY.code(), "the image URL returned no bytes");
    }
    return sniffed(body.body());
  }

  ImageInput fromS3(String location, Classifier target) {
    if (!location.startsWith("s3://")) {
      throw ApiException.badRequest("invalid-request", "an S3 image must be s3://bucket/key");
    }
    String rest = location.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw ApiException.badRequest("invalid-request", "an S3 image must be s3://bucket/key");
    }
    String bucket = rest.substring(0, slash);
    String key = rest.substring(slash + 1);
    // Path-style requests put the key in the path: "allowed/../other/k" must not leave the bucket.
    if (Arrays.stream(key.split("/", -1)).anyMatch(p -> p.equals(".") || p.equals(".."))) {
      throw ApiException.badRequest("invalid-request", "an S3 key must not hold . or .. segments");
    }
    if (!s3Buckets.contains(bucket)) {
      throw ApiException.forbidden("bucket-not-allowed", "that S3 bucket is not allowed");
    }
    if (target.capabilities().acceptsS3Reference()) {
      return ImageInput.S3Object.of(ObjectRef.of(bucket, key));
    }
    return sniffed(s3.read(bucket, key, null, fetcher.policy().maxBytes()));
  }

  private static ImageInput sniffed(byte[] data) {
    Optional<ImageFormat> format = ImageFormat.sniff(data);
    if (format.isEmpty()) {
      throw ApiException.unsupportedMediaType(
          "the body is not an image autotag recognises (JPEG, PNG, GIF, BMP, WebP, TIFF)");
    }
    return ImageInput.Bytes.of(data, format.get());
  }

  private ApiException inlineTooLarge() {
    return ApiException.tooLarge(
        "inline images are limited to "
            + maxInlineBytes
            + " bytes; send a larger image as {\"type\":\"url\"} or {\"type\":\"s3\"} instead");
  }

  private static String pad(CharSequence text) {
    StringBuilder padded = new StringBuilder(text);
    while (padded.length() % 4 != 0) {
      padded.append('=');
    }
    return padded.toString();
  }
}
