package io.autotag.api;

/**
 * How a route family writes errors: autotag's {@code {"error": {code, message, requestId}}}, or
 * Einstein Vision's {@code {"message": ...}} so its clients parse our errors as they parsed its.
 */
enum ErrorStyle {
  AUTOTAG,
  EINSTEIN
}
