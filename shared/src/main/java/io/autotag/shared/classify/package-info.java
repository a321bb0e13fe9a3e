/**
 * The classifier contract every provider implements: an {@link
 * io.autotag.shared.classify.ImageInput} goes in, a {@link
 * io.autotag.shared.classify.Classification} with confidences normalised to 0..1 comes out, and
 * failures are {@link io.autotag.shared.classify.ClassificationException}s that say whether a retry
 * can help.
 */
package io.autotag.shared.classify;
