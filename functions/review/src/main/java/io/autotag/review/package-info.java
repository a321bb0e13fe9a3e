/**
 * The review function: the reviewer page (static files in the zip) and its JSON endpoints behind
 * the HTTP API. A reviewer claims items from the review queue under a lease, judges them, and the
 * verdict becomes the object's tags and a feedback record in S3; only then is the message deleted.
 */
package io.autotag.review;
