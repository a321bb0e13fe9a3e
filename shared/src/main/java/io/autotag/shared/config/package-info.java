/**
 * Typed configuration read from a {@code Map<String, String>} environment. Every bad or missing
 * variable is collected and reported together, so a misconfigured function fails once at start-up
 * with one message that names them all.
 */
package io.autotag.shared.config;
