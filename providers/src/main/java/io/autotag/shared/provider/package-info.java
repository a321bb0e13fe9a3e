/**
 * Where the classifiers live: the {@link io.autotag.shared.provider.ProviderRegistry} that builds
 * the one {@code AUTOTAG_PROVIDER} names through each provider's {@link
 * io.autotag.shared.provider.ClassifierFactory}, the {@link
 * io.autotag.shared.provider.FallbackClassifier} a comma list builds, and what the hosted adapters
 * share. Each provider (embedded ONNX model, Roboflow, Einstein Vision, AWS Rekognition) has its
 * own sub-package behind the {@link io.autotag.shared.classify.Classifier} interface, which knows
 * none of them.
 */
package io.autotag.shared.provider;
