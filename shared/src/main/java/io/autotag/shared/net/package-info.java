/**
 * Fetching images from URLs that a caller supplied, without letting that caller reach the
 * function's own network: every hop's host is resolved and refused when any address is internal
 * (loopback, private, link-local, metadata service...), redirects are followed by hand and
 * re-checked, and time and size are capped.
 */
package io.autotag.shared.net;
