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

  /**
   * Reads this provider's variables from {@code settings}, recording each problem there, and builds
   * nothing: no model is loaded, no secret fetched, no connection opened. A function calls it for
   * its providers before its one {@link Settings#check()}, so that a single error names every bad
   * variable, the provider's among them, before anything slow starts. {@link #create} reads them
   * again (and may find what only building can, such as a model file that cannot be read).
   */
  default void readSettings(Settings settings) {}

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
