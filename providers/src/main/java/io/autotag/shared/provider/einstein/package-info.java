/**
 * Salesforce Einstein Vision image classification, spoken by its documented contract: multipart
 * {@code /v2/vision/predict} with a Bearer access token obtained from an RS256 JWT assertion. The
 * live service was retired on 31 July 2023; this adapter is tested against a local server that
 * follows the contract, for systems that still speak it.
 *
 * @see <a href="https://metamind.readme.io/docs/prediction-with-image-file">Einstein Vision
 *     prediction (archived)</a>
 */
package io.autotag.shared.provider.einstein;
