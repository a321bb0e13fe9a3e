/**
 * The embedded provider {@code onnx}: runs an ONNX model inside the function with ONNX Runtime, so
 * autotag classifies images with no account, no key and no network. The bundled model is a COCO-80
 * detector used as a tagger; a small JSON {@link io.autotag.shared.provider.onnx.ModelDescriptor}
 * lets a user swap in their own softmax, multi-label or heatmap model without code changes.
 */
package io.autotag.shared.provider.onnx;
