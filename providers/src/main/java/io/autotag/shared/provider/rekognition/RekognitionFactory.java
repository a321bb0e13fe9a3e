package io.autotag.shared.provider.rekognition;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.ClassifierFactory;
import io.autotag.shared.provider.http.Retrier;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.rekognition.RekognitionClient;

/**
 * Builds the {@code rekognition} provider: a {@link RekognitionClient} on the shared HTTP client,
 * region and credentials, with an attempt timeout and the SDK's own retries turned off.
 */
public final class RekognitionFactory implements ClassifierFactory {

  @Override
  public String name() {
    return RekognitionClassifier.NAME;
  }

  @Override
  public void readSettings(Settings settings) {
    RekognitionSettings.from(settings);
  }

  @Override
  public Classifier create(Settings settings, AwsClients aws) {
    RekognitionSettings rekognition = RekognitionSettings.from(settings);
    return new RekognitionClassifier(
        client(rekognition, aws), rekognition, Retrier.create(rekognition.http()));
  }

  /** The client, for tests that point it at a local server. */
  public static RekognitionClient client(RekognitionSettings settings, AwsClients aws) {
    var builder =
        RekognitionClient.builder()
            .httpClient(aws.httpClient())
            .region(aws.settings().region())
            .credentialsProvider(aws.credentials())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(settings.http().readTimeout()));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }
}
