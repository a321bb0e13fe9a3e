/**
 * Measurements of the embedded classifier: JMH benchmarks ({@link
 * io.autotag.benchmarks.ClassifyBenchmark}), the two programs the cold-start harness compares
 * ({@link io.autotag.benchmarks.HandlerColdStart}, {@link
 * io.autotag.benchmarks.MinimalOrtColdStart}) and the evaluation over labelled real photographs
 * that chooses the model's inference options, fits its calibration and reports its quality ({@link
 * io.autotag.benchmarks.ModelEvaluation}). None of it runs during the build; the commands are in
 * {@code docs/onnx.md} and {@code model/MODEL_CARD.md}.
 */
package io.autotag.benchmarks;
