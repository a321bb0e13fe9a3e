package io.autotag.shared.secrets;

import io.autotag.shared.aws.AwsClients;
import java.net.URI;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Fetches secrets from SSM Parameter Store (with decryption) and Secrets Manager. Each client is
 * built on first use only, on the shared HTTP client, region and credentials of {@link AwsClients},
 * so a function that uses literal secrets never loads either SDK module. Thread-safe.
 */
public final class AwsSecretStore implements SecretStore, AutoCloseable {

  private final AwsClients aws;
  private final URI ssmEndpoint;
  private final URI secretsManagerEndpoint;
  private SsmClient ssm;
  private SecretsManagerClient secretsManager;

  /** Endpoints {@code null}: the services' AWS endpoints. */
  public AwsSecretStore(AwsClients aws, URI ssmEndpoint, URI secretsManagerEndpoint) {
    this.aws = aws;
    this.ssmEndpoint = ssmEndpoint;
    this.secretsManagerEndpoint = secretsManagerEndpoint;
  }

  @Override
  public String fetch(SecretReference reference) throws SecretException {
    try {
      return switch (reference.store()) {
        case SSM ->
            ssm()
                .getParameter(b -> b.name(reference.name()).withDecryption(true))
                .parameter()
                .value();
        case SECRETS_MANAGER ->
            secretsManager().getSecretValue(b -> b.secretId(reference.name())).secretString();
      };
    } catch (SdkServiceException e) {
      // 4xx other than throttling: missing secret, no permission, bad KMS key: fix the config.
      boolean retryable = e.isThrottlingException() || e.statusCode() >= 500;
      throw new SecretException(
          "cannot read secret " + reference + ": HTTP " + e.statusCode(), retryable, null);
    } catch (SdkClientException e) {
      throw new SecretException("cannot reach the store for secret " + reference, true, null);
    } catch (SdkException e) {
      throw new SecretException("cannot read secret " + reference, true, null);
    }
  }

  private synchronized SsmClient ssm() {
    if (ssm == null) {
      var builder =
          SsmClient.builder()
              .httpClient(aws.httpClient())
              .region(aws.settings().region())
              .credentialsProvider(aws.credentials());
      if (ssmEndpoint != null) {
        builder.endpointOverride(ssmEndpoint);
      }
      ssm = builder.build();
    }
    return ssm;
  }

  private synchronized SecretsManagerClient secretsManager() {
    if (secretsManager == null) {
      var builder =
          SecretsManagerClient.builder()
              .httpClient(aws.httpClient())
              .region(aws.settings().region())
              .credentialsProvider(aws.credentials());
      if (secretsManagerEndpoint != null) {
        builder.endpointOverride(secretsManagerEndpoint);
      }
      secretsManager = builder.build();
    }
    return secretsManager;
  }

  @Override
  public synchronized void close() {
    if (ssm != null) {
      ssm.close();
    }
    if (secretsManager != null) {
      secretsManager.close();
    }
  }
}
