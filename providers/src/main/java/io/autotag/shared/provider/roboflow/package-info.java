/**
 * Roboflow classification: the hosted legacy route ({@code classify.roboflow.com}), the current
 * hosted endpoint ({@code serverless.roboflow.com}) and a self-hosted Roboflow Inference server,
 * with single-label and multi-label responses.
 *
 * @see <a href="https://inference.roboflow.com/">Roboflow Inference</a>
 */
package io.autotag.shared.provider.roboflow;
