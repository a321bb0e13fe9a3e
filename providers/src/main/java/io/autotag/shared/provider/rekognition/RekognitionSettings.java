package io.autotag.shared.provider.rekognition;

import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.Downscaling;
import io.autotag.shared.provider.http.HttpSettings;
import java.net.URI;
import java.util.Optional;

/**
 * Rekognition's configuration.
 *
 * @param maxLabels {@code MaxLabels} ({@code AUTOTAG_REKOGNITION_MAX_LABELS}, default 10)
 * @param minConfidence {@code MinConfidence} on our 0..1 scale ({@code
 *     AUTOTAG_REKOGNITION_MIN_CONFIDENCE}, default 0.5), sent as 0..100
 * @param s3References send S3 objects by reference instead of bytes ({@code
 *     AUTOTAG_REKOGNITION_S3_REFERENCE}, default true; the bucket must be in the client's region)
 * @param endpoint an endpoint override for tests and emulators ({@code
 *     AWS_ENDPOINT_URL_REKOGNITION}, else {@link AwsSettings#commonEndpoint}); {@code null}: AWS
 */
public record RekognitionSettings(
    int maxLabels,
    double minConfidence,
    boolean s3References,
    URI endpoint,
    Downscaling downscaling,
    HttpSettings http) {

  /** DetectLabels takes images up to 5 MB as bytes. */
  public static final long MAX_BYTES = 5L * 1024 * 1024;

  /** And up to 15 MB by S3 reference. */
  public static final long MAX_REFERENCE_BYTES = 15L * 1024 * 1024;

  public static RekognitionSettings from(Settings settings) {
    Optional<URI> common = AwsSettings.commonEndpoint(settings);
    return new RekognitionSettings(
        settings.integer("AUTOTAG_REKOGNITION_MAX_LABELS", 10, 1, 1000),
        settings.decimal("AUTOTAG_REKOGNITION_MIN_CONFIDENCE", 0.5, 0.0, 1.0),
        settings.bool("AUTOTAG_REKOGNITION_S3_REFERENCE", true),
        settings.httpUri("AWS_ENDPOINT_URL_REKOGNITION").or(() -> common).orElse(null),
        Downscaling.from(settings),
        HttpSettings.from(settings));
  }
}
