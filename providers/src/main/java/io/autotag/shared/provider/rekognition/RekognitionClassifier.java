package io.autotag.shared.provider.rekognition;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.provider.http.ProviderCallException;
import io.autotag.shared.provider.http.ProviderHttp;
import io.autotag.shared.provider.http.Retrier;
import io.autotag.shared.provider.http.SafeText;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.rekognition.model.AccessDeniedException;
import software.amazon.awssdk.services.rekognition.model.DetectLabelsRequest;
import software.amazon.awssdk.services.rekognition.model.DetectLabelsResponse;
import software.amazon.awssdk.services.rekognition.model.Image;
import software.amazon.awssdk.services.rekognition.model.ImageTooLargeException;
import software.amazon.awssdk.services.rekognition.model.InvalidImageFormatException;
import software.amazon.awssdk.services.rekognition.model.InvalidS3ObjectException;
import software.amazon.awssdk.services.rekognition.model.RekognitionException;
import software.amazon.awssdk.services.rekognition.model.S3Object;

/**
 * Classifies with AWS Rekognition {@code DetectLabels}. S3 objects go by reference (bucket, key,
 * version) up to 15 MB, so the function reads only their first bytes; other images go as bytes up
 * to 5 MB, downscaled when larger. Labels are independent of each other (multi-label), and
 * confidences are divided by 100. The SDK's own retries are off: {@link Retrier} retries with the
 * same backoff, jitter and {@code Retry-After} rules as the HTTP providers.
 */
public final class RekognitionClassifier implements Classifier {

  public static final String NAME = "rekognition";
  public static final String MODEL_ID = "detect-labels";
  static final Set<ImageFormat> FORMATS = Set.of(ImageFormat.JPEG, ImageFormat.PNG);

  private final RekognitionClient client;
  private final RekognitionSettings settings;
  private final Retrier retrier;
  private final ProviderCapabilities capabilities;

  public RekognitionClassifier(
      RekognitionClient client, RekognitionSettings settings, Retrier retrier) {
    this.client = client;
    this.settings = settings;
    this.retrier = retrier;
    this.capabilities =
        new ProviderCapabilities(
            settings.downscaling().acceptedBytes(RekognitionSettings.MAX_BYTES),
            false,
            settings.s3References(),
            settings.s3References() ? RekognitionSettings.MAX_REFERENCE_BYTES : 0,
            FORMATS);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProviderCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public Classification classify(ImageInput image) throws ClassificationException {
    long start = System.nanoTime();
    DetectLabelsRequest request =
        DetectLabelsRequest.builder()
            .image(image(image))
            .maxLabels(settings.maxLabels())
            .minConfidence((float) (settings.minConfidence() * 100.0))
            .build();
    DetectLabelsResponse response = retrier.call(NAME, () -> detect(request));
    List<Label> labels =
        response.labels().stream()
            .filter(l -> l.name() != null && !l.name().isBlank() && l.confidence() != null)
            .map(l -> new Label(l.name(), normalise(l.confidence())))
            .toList();
    String model =
        response.labelModelVersion() == null
            ? MODEL_ID
            : MODEL_ID + "-" + response.labelModelVersion();
    return new Classification(
        NAME, model, labels, true, null, Duration.ofNanos(System.nanoTime() - start));
  }

  /** 0..100 to 0..1, clamped: float rounding can put 100.0 a hair above. */
  static double normalise(float confidence) {
    return Math.max(0.0, Math.min(1.0, confidence / 100.0));
  }

  private Image image(ImageInput input) throws ClassificationException {
    if (input.format().isPresent() && !capabilities.accepts(input.format().get())) {
      throw new ClassificationException(
          FailureReason.UNSUPPORTED_TYPE,
          NAME + " does not take " + input.format().get().mediaType());
    }
    return switch (input) {
      case ImageInput.S3Object s3 -> {
        if (s3.size().orElse(0L) > RekognitionSettings.MAX_REFERENCE_BYTES) {
          throw new ClassificationException(
              FailureReason.TOO_LARGE, NAME + " takes S3 objects up to 15 MB");
        }
        yield Image.builder()
            .s3Object(
                S3Object.builder()
                    .bucket(s3.object().bucket())
                    .name(s3.object().key())
                    .version(s3.object().versionId().orElse(null))
                    .build())
            .build();
      }
      case ImageInput.Bytes bytes -> {
        if (bytes.data().length == 0) {
          throw new ClassificationException(FailureReason.EMPTY, "the image is empty");
        }
        ImageInput.Bytes fitted =
            settings.downscaling().fit(bytes, RekognitionSettings.MAX_BYTES, NAME);
        yield Image.builder().bytes(SdkBytes.fromByteArrayUnsafe(fitted.data())).build();
      }
      case ImageInput.Url url ->
          throw new ClassificationException(
              FailureReason.REJECTED, NAME + " cannot fetch URLs; send bytes or an S3 object");
    };
  }

  private DetectLabelsResponse detect(DetectLabelsRequest request) throws ClassificationException {
    try {
      return client.detectLabels(request);
    } catch (InvalidImageFormatException e) {
      throw failure(FailureReason.UNSUPPORTED_TYPE, e);
    } catch (ImageTooLargeException e) {
      throw failure(FailureReason.TOO_LARGE, e);
    } catch (InvalidS3ObjectException e) {
      // Missing object, no permission to read it, or a bucket in another region.
      throw failure(FailureReason.REJECTED, e);
    } catch (AccessDeniedException e) {
      throw failure(FailureReason.UNAUTHORIZED, e);
    } catch (RekognitionException e) {
      FailureReason reason =
          e.isThrottlingException()
              ? FailureReason.THROTTLED
              : ProviderHttp.reasonFor(e.statusCode());
      throw failure(reason, e);
    } catch (ApiCallAttemptTimeoutException | ApiCallTimeoutException e) {
      throw new ClassificationException(
          FailureReason.UNAVAILABLE,
          NAME + ": no response within " + settings.http().readTimeout().toMillis() + " ms",
          e);
    } catch (SdkClientException e) {
      throw new ClassificationException(
          FailureReason.UNAVAILABLE, NAME + ": connection failed or dropped", e);
    }
  }

  private static ProviderCallException failure(FailureReason reason, RekognitionException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String message =
        e.awsErrorDetails() == null
            ? ""
            : SafeText.clean(e.awsErrorDetails().errorMessage(), List.of());
    Duration retryAfter =
        reason.retryable() && e.awsErrorDetails() != null
            ? e.awsErrorDetails()
                .sdkHttpResponse()
                .firstMatchingHeader("Retry-After")
                .flatMap(v -> ProviderHttp.parseRetryAfter(v, Clock.systemUTC()))
                .orElse(null)
            : null;
    return new ProviderCallException(
        reason,
        NAME
            + " answered HTTP "
            + e.statusCode()
            + (code == null ? "" : " " + code)
            + (message.isEmpty() ? "" : ": " + message),
        retryAfter);
  }
}
