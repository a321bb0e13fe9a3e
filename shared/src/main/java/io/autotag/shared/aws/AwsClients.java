package io.autotag.shared.aws;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the S3 and SQS clients once. They share one light {@code UrlConnectionHttpClient} (Apache
 * and Netty are excluded from the build: they cost cold-start time) and take their credentials from
 * the default chain, which works in Lambda with or without SnapStart.
 */
public final class AwsClients implements AutoCloseable {

  private final SdkHttpClient httpClient;
  private final AwsSettings settings;
  private final AwsCredentialsProvider credentials;
  private final S3Client s3;
  private final SqsClient sqs;
  private final S3Presigner presigner;

  /**
   * The SDK's standard retries plus S3's {@code OperationAborted} (409: "a conflicting conditional
   * operation is in progress"), which concurrent tag writes to one object can get and which the SDK
   * does not retry by itself.
   */
  private static final RetryStrategy S3_RETRIES =
      AwsRetryStrategy.standardRetryStrategy().toBuilder()
          .retryOnException(AwsClients::isOperationAborted)
          .build();

  static boolean isOperationAborted(Throwable error) {
    return error instanceof AwsServiceException e
        && e.awsErrorDetails() != null
        && "OperationAborted".equals(e.awsErrorDetails().errorCode());
  }

  private AwsClients(
      AwsSettings settings,
      AwsCredentialsProvider credentials,
      List<ExecutionInterceptor> interceptors) {
    this.settings = settings;
    this.credentials = credentials;
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
            .overrideConfiguration(
                c -> c.executionInterceptors(interceptors).retryStrategy(S3_RETRIES))
            .forcePathStyle(settings.s3PathStyle());
    if (settings.s3Endpoint() != null) {
      s3Builder.endpointOverride(settings.s3Endpoint());
    }
    this.s3 = s3Builder.build();
    // Signing is local: building the presigner makes no call.
    var presignerBuilder =
        S3Presigner.builder()
            .region(settings.region())
            .credentialsProvider(credentials)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(settings.s3PathStyle()).build());
    if (settings.s3Endpoint() != null) {
      presignerBuilder.endpointOverride(settings.s3Endpoint());
    }
    this.presigner = presignerBuilder.build();
    var sqsBuilder =
        SqsClient.builder()
            .httpClient(httpClient)
            .region(settings.region())
            .credentialsProvider(credentials)
            .overrideConfiguration(c -> c.executionInterceptors(interceptors));
    if (settings.sqsEndpoint() != null) {
      sqsBuilder.endpointOverride(settings.sqsEndpoint());
    }
    this.sqs = sqsBuilder.build();
  }

  /** Clients with the default credentials chain. */
  public static AwsClients create(AwsSettings settings) {
    return new AwsClients(settings, DefaultCredentialsProvider.builder().build(), List.of());
  }

  /** Clients with explicit credentials (tests and emulators). */
  public static AwsClients create(AwsSettings settings, AwsCredentialsProvider credentials) {
    return new AwsClients(settings, credentials, List.of());
  }

  /** Clients whose calls also pass through {@code interceptors} (benchmarks count calls so). */
  public static AwsClients create(
      AwsSettings settings,
      AwsCredentialsProvider credentials,
      List<ExecutionInterceptor> interceptors) {
    return new AwsClients(settings, credentials, List.copyOf(interceptors));
  }

  public S3Client s3() {
    return s3;
  }

  public SqsClient sqs() {
    return sqs;
  }

  /** Signs S3 URLs a provider can fetch an object from without credentials of its own. */
  public S3Presigner s3Presigner() {
    return presigner;
  }

  /** The region, credentials and HTTP client, for clients other modules build on demand. */
  public AwsSettings settings() {
    return settings;
  }

  public AwsCredentialsProvider credentials() {
    return credentials;
  }

  /** The shared HTTP client; clients built on it must not outlive this object. */
  public SdkHttpClient httpClient() {
    return httpClient;
  }

  @Override
  public void close() {
    s3.close();
    sqs.close();
    presigner.close();
    httpClient.close();
  }
}
