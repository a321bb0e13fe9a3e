/**
 * The functions' CloudWatch metrics, as Embedded Metric Format lines written at the end of each
 * invocation: one recorder per function ({@link io.autotag.shared.metrics.Metrics}), fed by the
 * pipeline, the classifiers and the routers, flushed by the handlers.
 */
package io.autotag.shared.metrics;
