package io.autotag.shared.provider;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.provider.einstein.EinsteinFactory;
import io.autotag.shared.provider.onnx.OnnxClassifierFactory;
import io.autotag.shared.provider.rekognition.RekognitionFactory;
import io.autotag.shared.provider.roboflow.RoboflowFactory;
import java.util.ArrayList;
import java.util.Arrays;
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
  private final Metrics metrics;

  private ProviderRegistry(Map<String, ClassifierFactory> factories, Metrics metrics) {
    this.factories = Map.copyOf(factories);
    this.metrics = metrics;
  }

  /** The providers that ship with autotag. */
  public static ProviderRegistry builtIn() {
    return of(
        List.of(
            OnnxClassifierFactory.create(),
            new RoboflowFactory(),
            new EinsteinFactory(),
            new RekognitionFactory()));
  }

  public static ProviderRegistry of(List<ClassifierFactory> factories) {
    Map<String, ClassifierFactory> byName = new LinkedHashMap<>();
    factories.forEach(factory -> byName.put(factory.name(), factory));
    return new ProviderRegistry(byName, Metrics.off());
  }

  /**
   * The same registry, whose classifiers count and time every provider call and every fallback into
   * {@code metrics} (nothing changes when they are off).
   */
  public ProviderRegistry measuredBy(Metrics metrics) {
    return new ProviderRegistry(factories, metrics);
  }

  /** A registry with one more factory. */
  public ProviderRegistry with(ClassifierFactory factory) {
    Map<String, ClassifierFactory> byName = new LinkedHashMap<>(factories);
    byName.put(factory.name(), factory);
    return new ProviderRegistry(byName, metrics);
  }

  /** A registry in which {@code classifier}'s name builds that instance (tests add fakes so). */
  public ProviderRegistry with(Classifier classifier) {
    return with(ClassifierFactory.returning(classifier));
  }

  /**
   * Reads the variables of every provider {@code AUTOTAG_PROVIDER} names (an unknown name is a
   * problem too) into {@code settings} without building any: see {@link
   * ClassifierFactory#readSettings}.
   */
  public void readSettings(Settings settings) {
    for (String name : names(settings)) {
      ClassifierFactory factory = factories.get(name);
      if (factory == null) {
        unknown(settings);
      } else {
        factory.readSettings(settings);
      }
    }
  }

  private static List<String> names(Settings settings) {
    String names = settings.string(PROVIDER_VARIABLE, DEFAULT_PROVIDER).toLowerCase(Locale.ROOT);
    return Arrays.stream(names.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
  }

  private void unknown(Settings settings) {
    settings.problem(
        PROVIDER_VARIABLE + " names an unknown provider; known: " + factories.keySet());
  }

  /**
   * Builds the configured classifier; a comma list ({@code roboflow,onnx}) builds a {@link
   * FallbackClassifier} over them in that order. Records a problem in {@code settings} and returns
   * {@code null} when a name is unknown; callers must call {@link Settings#check()} before using
   * the result.
   */
  public Classifier create(Settings settings, AwsClients aws) {
    String names = settings.string(PROVIDER_VARIABLE, DEFAULT_PROVIDER).toLowerCase(Locale.ROOT);
    if (names.contains(",")) {
      List<Classifier> chain = new ArrayList<>();
      for (String name : names.split(",")) {
        if (!name.isBlank()) {
          chain.add(create(name.strip(), settings, aws));
        }
      }
      if (chain.contains(null)) {
        return null;
      }
      if (chain.size() == 1) {
        return chain.getFirst();
      }
      return FallbackClassifier.of(chain, metrics);
    }
    return create(names, settings, aws);
  }

  private Classifier create(String name, Settings settings, AwsClients aws) {
    ClassifierFactory factory = factories.get(name);
    if (factory == null) {
      unknown(settings);
      return null;
    }
    Classifier classifier = factory.create(settings, aws);
    return classifier == null || !metrics.enabled()
        ? classifier
        : new MeasuredClassifier(classifier, metrics);
  }
}
