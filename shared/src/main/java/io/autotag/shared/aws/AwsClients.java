package io.autotag.shared.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the S3 and SQS clients once. They share one light {@code UrlConnectionHttpClient} (Apache
 * and Netty are excluded from the build: they cost cold-start time) and take their credentials from
 * the default chain, which works in Lambda with or without SnapStart.
 */
public final class AwsClients implements AutoCloseable {

  private final SdkHttpClient httpClient;
  private final S3Client s3;
  private final SqsClient sqs;

  private AwsClients(AwsSettings settings, AwsCredentialsProvider credentials) {
    this.httpClient =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(Duration.ofSeconds(30))
            .build();
    var s3Builder =
        S3Client.builder()
            .httpClient(httpClient)
            .region(settings.region())
            .credentialsProvider(credentials)
            .forcePathStyle(settings.s3PathStyle());
    settings.s3Endpoint().ifPresent(s3Builder::endpointOverride);
    this.s3 = s3Builder.build();
    var sqsBuilder =
        SqsClient.builder()
            .httpClient(httpClient)
            .region(settings.region())
            .credentialsProvider(credentials);
    settings.sqsEndpoint().ifPresent(sqsBuilder::endpointOverride);
    this.sqs = sqsBuilder.build();
  }

  /** Clients with the default credentials chain. */
  public static AwsClients create(AwsSettings settings) {
    return new AwsClients(settings, DefaultCredentialsProvider.builder().build());
  }

  /** Clients with explicit credentials (tests and emulators). */
  public static AwsClients create(AwsSettings settings, AwsCredentialsProvider credentials) {
    return new AwsClients(settings, credentials);
  }

  public S3Client s3() {
    return s3;
  }

  public SqsClient sqs() {
    return sqs;
  }

  @Override
  public void close() {
    s3.close();
    sqs.close();
    httpClient.close();
  }
}
