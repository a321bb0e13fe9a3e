package io.autotag.shared.provider.einstein;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.ClassifierFactory;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import io.autotag.shared.secrets.Secrets;
import java.security.GeneralSecurityException;

/** Builds the {@code einstein} provider from {@code AUTOTAG_EINSTEIN_*} settings. */
public final class EinsteinFactory implements ClassifierFactory {

  @Override
  public String name() {
    return EinsteinClassifier.NAME;
  }

  @Override
  public void readSettings(Settings settings) {
    // Without AWS clients: a stored token or key stays an unread reference.
    read(settings, null);
  }

  @Override
  public Classifier create(Settings settings, AwsClients aws) {
    EinsteinSettings einstein = read(settings, aws);
    if (einstein.token() == null && einstein.privateKey() == null) {
      return null;
    }
    return EinsteinClassifier.create(einstein);
  }

  private static EinsteinSettings read(Settings settings, AwsClients aws) {
    EinsteinSettings einstein = EinsteinSettings.from(settings, Secrets.create(settings, aws));
    // A literal key can be checked now; a stored one is read on first use, after restore.
    Secret key = einstein.privateKey();
    if (key != null && !key.isReference()) {
      check(key, settings);
    }
    return einstein;
  }

  private static void check(Secret key, Settings settings) {
    try {
      PemKeys.rsaPrivateKey(key.value());
    } catch (GeneralSecurityException | SecretException e) {
      settings.problem(key.variable() + " is not a PEM RSA private key");
    }
  }
}
