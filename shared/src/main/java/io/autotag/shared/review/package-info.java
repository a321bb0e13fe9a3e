/**
 * Review messages: small, versioned JSON references to objects a person should look at, sent to SQS
 * in batches. A message never carries the image.
 */
package io.autotag.shared.review;
