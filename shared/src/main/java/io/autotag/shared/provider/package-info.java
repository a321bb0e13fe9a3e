/**
 * Classifier adapters for hosted services (Roboflow, Einstein Vision, AWS Rekognition), each behind
 * the shared {@link io.autotag.shared.classify.Classifier} interface and chosen by {@code
 * AUTOTAG_PROVIDER}, plus the {@link io.autotag.shared.provider.FallbackClassifier} that a comma
 * list of providers builds.
 */
package io.autotag.shared.provider;
