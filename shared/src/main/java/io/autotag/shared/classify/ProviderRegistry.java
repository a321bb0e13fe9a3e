package io.autotag.shared.classify;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the classifier named by {@code AUTOTAG_PROVIDER} (default {@value #DEFAULT_PROVIDER}, the
 * embedded model that needs no account). Adding a provider means adding its factory to {@link
 * #builtIn()}.
 */
public final class ProviderRegistry {

  public static final String PROVIDER_VARIABLE = "AUTOTAG_PROVIDER";
  public static final String DEFAULT_PROVIDER = "onnx";

  private final Map<String, ClassifierFactory> factories;

  private ProviderRegistry(Map<String, ClassifierFactory> factories) {
    this.factories = Map.copyOf(factories);
  }

  /** The providers that ship with autotag. */
  public static ProviderRegistry builtIn() {
    return of(List.of());
  }

  public static ProviderRegistry of(List<ClassifierFactory> factories) {
    Map<String, ClassifierFactory> byName = new LinkedHashMap<>();
    factories.forEach(factory -> byName.put(factory.name(), factory));
    return new ProviderRegistry(byName);
  }

  /** A registry with one more factory (tests add fakes this way). */
  public ProviderRegistry with(ClassifierFactory factory) {
    Map<String, ClassifierFactory> byName = new LinkedHashMap<>(factories);
    byName.put(factory.name(), factory);
    return new ProviderRegistry(byName);
  }

  /**
   * Builds the configured classifier. Records a problem in {@code settings} and returns {@code
   * null} when the name is unknown; callers must call {@link Settings#check()} before using the
   * result.
   */
  public Classifier create(Settings settings, AwsClients aws) {
    String name = settings.string(PROVIDER_VARIABLE, DEFAULT_PROVIDER).toLowerCase(Locale.ROOT);
    ClassifierFactory factory = factories.get(name);
    if (factory == null) {
      settings.problem(
          PROVIDER_VARIABLE + " names an unknown provider; known: " + factories.keySet());
      return null;
    }
    return factory.create(settings, aws);
  }
}
