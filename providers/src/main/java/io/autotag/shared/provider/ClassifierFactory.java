package io.autotag.shared.provider;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;

/**
 * Builds one provider's {@link Classifier} from configuration. Each provider ships one factory; the
 * {@link ProviderRegistry} picks factories by name. A factory reads its own variables from {@link
 * Settings} and records problems there rather than throwing, so every bad variable is reported at
 * once.
 */
public interface ClassifierFactory {

  /** The name used in {@code AUTOTAG_PROVIDER}, for example {@code onnx}. */
  String name();

  Classifier create(Settings settings, AwsClients aws);

  /**
   * A factory that hands out {@code classifier} itself under its {@link Classifier#name()}: how a
   * classifier built elsewhere (a test's fake) is registered.
   */
  static ClassifierFactory returning(Classifier classifier) {
    return new ClassifierFactory() {
      @Override
      public String name() {
        return classifier.name();
      }

      @Override
      public Classifier create(Settings settings, AwsClients aws) {
        return classifier;
      }
    };
  }
}
