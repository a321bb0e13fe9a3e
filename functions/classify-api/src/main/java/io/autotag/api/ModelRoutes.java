package io.autotag.api;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.ProviderRegistry;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which classifier answers each route. The default provider ({@code AUTOTAG_PROVIDER}) answers
 * {@code /classify} and, unless strict, every compatible route not listed in {@code
 * AUTOTAG_API_MODELS}. Each distinct provider configuration is built once, at start-up.
 */
final class ModelRoutes {

  /**
   * A classifier and, for Roboflow routes, the response shape to use ({@code multiLabel} {@code
   * null}: the provider's answer decides).
   */
  record Target(Classifier classifier, Boolean multiLabel) {

    /** The response shape for an answer whose provider says {@code answerIsMultiLabel}. */
    boolean multiLabel(boolean answerIsMultiLabel) {
      return multiLabel != null ? multiLabel : answerIsMultiLabel;
    }
  }

  private final Target defaultTarget;
  private final Map<String, Target> byKey;
  private final boolean strict;

  ModelRoutes(Target defaultTarget, Map<String, Target> byKey, boolean strict) {
    this.defaultTarget = defaultTarget;
    this.byKey = Map.copyOf(byKey);
    this.strict = strict;
  }

  Target defaultTarget() {
    return defaultTarget;
  }

  /** Closes every classifier built for the routes, each once. */
  void close() {
    Set<Classifier> all = Collections.newSetFromMap(new IdentityHashMap<>());
    all.add(defaultTarget.classifier());
    byKey.values().forEach(target -> all.add(target.classifier()));
    all.forEach(Classifier::close);
  }

  /** The target for a route key; empty when strict and the key is not configured. */
  Optional<Target> find(String key) {
    Target target = byKey.get(key);
    if (target != null) {
      return Optional.of(target);
    }
    return strict ? Optional.empty() : Optional.of(defaultTarget);
  }

  /**
   * Builds the default classifier and one per distinct entry of {@code AUTOTAG_API_MODELS}.
   * Problems are recorded in {@code settings}, each prefixed with the entry's key.
   */
  /**
   * Reads the variables of the default provider and of every route's provider ({@code
   * AUTOTAG_API_MODELS}) into {@code settings}, building none, so the API's one start-up check
   * names them with the rest.
   */
  static void readSettings(
      ApiConfig config, Map<String, String> env, Settings settings, ProviderRegistry providers) {
    providers.readSettings(settings);
    config
        .models()
        .forEach(
            (key, spec) -> {
              Settings own = Settings.of(routeEnv(spec, env));
              providers.readSettings(own);
              try {
                own.check();
              } catch (ConfigurationException e) {
                e.problems()
                    .forEach(p -> settings.problem(ApiConfig.MODELS + "[" + key + "]: " + p));
              }
            });
  }

  static ModelRoutes build(
      ApiConfig config,
      Map<String, String> env,
      Settings settings,
      ProviderRegistry providers,
      AwsClients aws) {
    Classifier defaultClassifier = providers.create(settings, aws);
    Map<ApiConfig.ModelSpec, Classifier> built = new HashMap<>();
    Map<String, Target> byKey = new LinkedHashMap<>();
    config
        .models()
        .forEach(
            (key, spec) -> {
              ApiConfig.ModelSpec shape =
                  new ApiConfig.ModelSpec(spec.provider(), spec.settings(), null);
              Classifier classifier =
                  built.computeIfAbsent(shape, s -> create(key, s, env, settings, providers, aws));
              if (classifier != null) {
                byKey.put(key, new Target(classifier, spec.multiLabel()));
              }
            });
    return new ModelRoutes(new Target(defaultClassifier, null), byKey, config.strictModels());
  }

  private static Classifier create(
      String key,
      ApiConfig.ModelSpec spec,
      Map<String, String> env,
      Settings settings,
      ProviderRegistry providers,
      AwsClients aws) {
    Settings own = Settings.of(routeEnv(spec, env));
    Classifier classifier = providers.create(own, aws);
    try {
      own.check();
      return classifier;
    } catch (ConfigurationException e) {
      e.problems().forEach(p -> settings.problem(ApiConfig.MODELS + "[" + key + "]: " + p));
      return null;
    }
  }

  /** A route's provider sees the function's variables with the route's own on top. */
  private static Map<String, String> routeEnv(ApiConfig.ModelSpec spec, Map<String, String> env) {
    Map<String, String> merged = new HashMap<>(env);
    merged.putAll(spec.settings());
    merged.put(ProviderRegistry.PROVIDER_VARIABLE, spec.provider());
    return merged;
  }
}
