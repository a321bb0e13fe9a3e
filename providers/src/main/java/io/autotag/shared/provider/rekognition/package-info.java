/**
 * AWS Rekognition {@code DetectLabels} as a classifier: S3 objects by reference (with their
 * version), other images as bytes; confidences arrive as 0..100 and leave as 0..1.
 *
 * @see <a href="https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DetectLabels.html">
 *     DetectLabels</a>
 */
package io.autotag.shared.provider.rekognition;
