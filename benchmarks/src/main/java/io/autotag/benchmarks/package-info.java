/**
 * Measurements of the embedded classifier: JMH benchmarks ({@link
 * io.autotag.benchmarks.ClassifyBenchmark}), the two programs the cold-start harness compares
 * ({@link io.autotag.benchmarks.HandlerColdStart}, {@link
 * io.autotag.benchmarks.MinimalOrtColdStart}) and the quality report over real photographs ({@link
 * io.autotag.benchmarks.QualityReport}). None of it runs during the build; the commands are in
 * {@code docs/onnx.md}.
 */
package io.autotag.benchmarks;
