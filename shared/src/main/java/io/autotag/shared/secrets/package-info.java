/**
 * Secrets (API keys, private keys, tokens) named in configuration: a literal for local use, or a
 * reference ({@code ssm:/path} or {@code secretsmanager:name}) fetched on first use, which in a
 * SnapStart function is after restore, and cached for a configurable time. Secret values never
 * appear in {@code toString()}, logs or exception messages.
 */
package io.autotag.shared.secrets;
