/**
 * HTTP plumbing the hosted providers share: timeouts and retry settings, retries with exponential
 * backoff, jitter and {@code Retry-After}, a multipart body builder over the JDK's body publishers
 * and the matching parser (which also reads the classification API's uploads), and one mapping from
 * HTTP statuses and I/O failures to {@link io.autotag.shared.classify.FailureReason}s whose
 * messages never carry secrets or query strings.
 */
package io.autotag.shared.provider.http;
