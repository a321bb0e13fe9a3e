package io.autotag.shared.provider.roboflow;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.ClassifierFactory;
import io.autotag.shared.secrets.Secrets;

/** Builds the {@code roboflow} provider from {@code AUTOTAG_ROBOFLOW_*} settings. */
public final class RoboflowFactory implements ClassifierFactory {

  @Override
  public String name() {
    return RoboflowClassifier.NAME;
  }

  @Override
  public void readSettings(Settings settings) {
    // Without AWS clients: a stored key stays an unread reference.
    RoboflowSettings.from(settings, Secrets.create(settings, null));
  }

  @Override
  public Classifier create(Settings settings, AwsClients aws) {
    return RoboflowClassifier.create(
        RoboflowSettings.from(settings, Secrets.create(settings, aws)));
  }
}
