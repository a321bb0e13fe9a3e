package io.autotag.shared.aws;

import io.autotag.shared.config.Settings;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * Where the AWS clients point: the region (always explicit, so the SDK never probes for it),
 * endpoint overrides from the SDK's standard {@code AWS_ENDPOINT_URL*} variables or autotag's own
 * {@code AUTOTAG_ENDPOINT_URL} ({@code null}: the service's AWS endpoint), and whether S3 uses
 * path-style addressing, which emulators need.
 */
public record AwsSettings(Region region, URI s3Endpoint, URI sqsEndpoint, boolean s3PathStyle) {

  /**
   * Reads {@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}), the endpoint overrides and the style.
   */
  public static AwsSettings from(Settings settings) {
    Optional<String> region =
        settings.optional("AWS_REGION").or(() -> settings.optional("AWS_DEFAULT_REGION"));
    if (region.isEmpty()) {
      settings.problem("AWS_REGION is required (or AWS_DEFAULT_REGION)");
    }
    Optional<URI> common = commonEndpoint(settings);
    Optional<URI> s3 = settings.httpUri("AWS_ENDPOINT_URL_S3").or(() -> common);
    Optional<URI> sqs = settings.httpUri("AWS_ENDPOINT_URL_SQS").or(() -> common);
    // Emulators (LocalStack, moto, the local stack) want path-style; real S3 prefers virtual hosts.
    boolean pathStyle = settings.bool("AUTOTAG_S3_PATH_STYLE", s3.isPresent());
    return new AwsSettings(
        Region.of(region.orElse("us-east-1")), s3.orElse(null), sqs.orElse(null), pathStyle);
  }

  /**
   * The endpoint every AWS client uses unless a service-specific {@code AWS_ENDPOINT_URL_<SERVICE>}
   * says otherwise: {@code AUTOTAG_ENDPOINT_URL} (what template.yaml's {@code LocalEndpointUrl}
   * sets; blank means AWS), else the SDK's {@code AWS_ENDPOINT_URL}. The template cannot use the
   * SDK's variable itself: it would have to be left out in AWS, which SAM local cannot express (an
   * {@code !If ... AWS::NoValue} arrives as an empty string), and an empty {@code AWS_ENDPOINT_URL}
   * makes the SDK's client builders fail.
   */
  public static Optional<URI> commonEndpoint(Settings settings) {
    return settings.httpUri("AUTOTAG_ENDPOINT_URL").or(() -> settings.httpUri("AWS_ENDPOINT_URL"));
  }
}
