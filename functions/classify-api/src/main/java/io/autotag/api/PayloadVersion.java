package io.autotag.api;

/**
 * Which API Gateway event format a request came in, so the response goes back in the same one.
 * {@code V1} is the REST API proxy format (also sent by an HTTP API set to payload 1.0); {@code V2}
 * is the HTTP API payload 2.0 format.
 */
enum PayloadVersion {
  V1,
  V2
}
