package io.autotag.api;

/**
 * How a route family writes errors: autotag's {@code {"error": {code, message, requestId}}};
 * Einstein Vision's {@code {"message": ...}}; or Roboflow's Inference server's {@code {"message":
 * ...}} with its statuses, and FastAPI's {@code {"detail": [...]}} for a request its models refuse.
 * Each so that a provider's clients parse our errors as they parsed the provider's.
 */
enum ErrorStyle {
  AUTOTAG,
  EINSTEIN,
  ROBOFLOW
}
