package io.autotag.cli;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.endpoints.EndpointUrl;
import software.amazon.awssdk.services.s3control.S3ControlClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * How the tool builds AWS clients. The environment map is the only source of configuration (tests
 * pass maps, never mutate the process environment), so keys in it win; without them the SDK's
 * default chain applies (profiles, SSO, instance roles).
 */
final class CliAws {

  static final String DEFAULT_REGION = "us-east-1";

  /** What the emulators accept; they check no signature. */
  static final StaticCredentialsProvider LOCAL_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private CliAws() {}

  static Function<AwsSettings, AwsClients> factory(Map<String, String> env) {
    return explicitCredentials(env)
        .<Function<AwsSettings, AwsClients>>map(
            provider -> settings -> AwsClients.create(settings, provider))
        .orElse(AwsClients::create);
  }

  /** Keys given in {@code env}, if any; otherwise the SDK's default chain applies. */
  static Optional<AwsCredentialsProvider> explicitCredentials(Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (isBlank(id) || isBlank(secret)) {
      return Optional.empty();
    }
    String token = env.get("AWS_SESSION_TOKEN");
    AwsCredentials credentials =
        isBlank(token)
            ? AwsBasicCredentials.create(id, secret)
            : AwsSessionCredentials.create(id, secret, token);
    return Optional.of(StaticCredentialsProvider.create(credentials));
  }

  /**
   * An S3 Control client for Batch Operations jobs, on the tool's shared HTTP client. S3 Control
   * sends requests to {@code <account-id>.s3-control.<region>.amazonaws.com}; an explicit endpoint
   * (an emulator, from {@code endpoint} or {@code AWS_ENDPOINT_URL_S3_CONTROL}) is used exactly as
   * given instead, since no account-id host name resolves on loopback.
   */
  static S3ControlClient s3Control(AwsClients aws, Map<String, String> env, URI endpoint) {
    var builder =
        S3ControlClient.builder()
            .httpClient(aws.httpClient())
            .region(aws.settings().region())
            .credentialsProvider(aws.credentials());
    Optional.ofNullable(endpoint)
        .or(
            () ->
                Optional.ofNullable(env.get("AWS_ENDPOINT_URL_S3_CONTROL"))
                    .filter(e -> !isBlank(e))
                    .map(URI::create))
        .ifPresent(
            uri ->
                builder.endpointProvider(
                    params ->
                        CompletableFuture.completedFuture(
                            Endpoint.builder().endpointUrl(EndpointUrl.fromUri(uri)).build())));
    return builder.build();
  }

  /** The account the tool's credentials belong to ({@code sts:GetCallerIdentity}). */
  static String callerAccount(AwsClients aws) {
    try (StsClient sts =
        StsClient.builder()
            .httpClient(aws.httpClient())
            .region(aws.settings().region())
            .credentialsProvider(aws.credentials())
            .build()) {
      return sts.getCallerIdentity().account();
    }
  }

  /** {@code env} with {@code AWS_REGION} set to {@value #DEFAULT_REGION} if no region is given. */
  static Map<String, String> withDefaultRegion(Map<String, String> env) {
    Map<String, String> copy = new HashMap<>(env);
    if (isBlank(copy.get("AWS_REGION")) && isBlank(copy.get("AWS_DEFAULT_REGION"))) {
      copy.put("AWS_REGION", DEFAULT_REGION);
    }
    return copy;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
