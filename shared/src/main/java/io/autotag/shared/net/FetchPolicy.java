package io.autotag.shared.net;

import io.autotag.shared.config.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Limits for fetching a caller-supplied URL: timeouts, the largest body read, how many redirects
 * are followed, and which internal addresses may be reached anyway.
 *
 * @param connectTimeout time to open a connection
 * @param readTimeout time for the whole exchange of one hop, headers and body
 * @param maxBytes the largest body read; a longer one is abandoned while streaming
 * @param maxRedirects redirects followed before giving up (each one re-checked)
 * @param allowPrivateNetworks turns the internal-address check off entirely: only for a local stack
 *     whose images live on localhost, never in AWS
 * @param allowedEndpoints internal {@code address:port} endpoints allowed while the check stays on,
 *     for example one local S3 emulator; exact address and port match
 */
public record FetchPolicy(
    Duration connectTimeout,
    Duration readTimeout,
    long maxBytes,
    int maxRedirects,
    boolean allowPrivateNetworks,
    Set<InetSocketAddress> allowedEndpoints) {

  public static final String ALLOW_PRIVATE_NETWORKS = "AUTOTAG_FETCH_ALLOW_PRIVATE_NETWORKS";
  public static final String ALLOWED_ENDPOINTS = "AUTOTAG_FETCH_ALLOWED_ENDPOINTS";
  public static final String MAX_BYTES = "AUTOTAG_FETCH_MAX_BYTES";
  public static final String CONNECT_TIMEOUT_MS = "AUTOTAG_FETCH_CONNECT_TIMEOUT_MS";
  public static final String READ_TIMEOUT_MS = "AUTOTAG_FETCH_READ_TIMEOUT_MS";
  public static final String MAX_REDIRECTS = "AUTOTAG_FETCH_MAX_REDIRECTS";

  public FetchPolicy {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    if (maxRedirects < 0) {
      throw new IllegalArgumentException("maxRedirects must not be negative");
    }
    allowedEndpoints = Set.copyOf(allowedEndpoints);
  }

  /** Public internet only, 3 s to connect, 10 s a hop, 20 MB, 3 redirects. */
  public static FetchPolicy defaults() {
    return new FetchPolicy(
        Duration.ofSeconds(3), Duration.ofSeconds(10), 20L * 1024 * 1024, 3, false, Set.of());
  }

  /** Reads the {@code AUTOTAG_FETCH_*} variables; problems are recorded in {@code settings}. */
  public static FetchPolicy from(Settings settings) {
    FetchPolicy d = defaults();
    return new FetchPolicy(
        Duration.ofMillis(
            settings.longValue(CONNECT_TIMEOUT_MS, d.connectTimeout().toMillis(), 100, 60_000)),
        Duration.ofMillis(
            settings.longValue(READ_TIMEOUT_MS, d.readTimeout().toMillis(), 100, 300_000)),
        settings.longValue(MAX_BYTES, d.maxBytes(), 1, 1L << 30),
        settings.integer(MAX_REDIRECTS, d.maxRedirects(), 0, 10),
        settings.bool(ALLOW_PRIVATE_NETWORKS, false),
        endpoints(settings));
  }

  /** A copy with {@code allowPrivateNetworks} set. */
  public FetchPolicy withAllowPrivateNetworks(boolean allow) {
    return new FetchPolicy(
        connectTimeout, readTimeout, maxBytes, maxRedirects, allow, allowedEndpoints);
  }

  /** A copy that also allows one internal endpoint. */
  public FetchPolicy withAllowedEndpoint(InetSocketAddress endpoint) {
    Set<InetSocketAddress> all = new HashSet<>(allowedEndpoints);
    all.add(endpoint);
    return new FetchPolicy(
        connectTimeout, readTimeout, maxBytes, maxRedirects, allowPrivateNetworks, all);
  }

  /** A copy with a different size cap. */
  public FetchPolicy withMaxBytes(long bytes) {
    return new FetchPolicy(
        connectTimeout, readTimeout, bytes, maxRedirects, allowPrivateNetworks, allowedEndpoints);
  }

  /** A copy with a different per-hop timeout. */
  public FetchPolicy withReadTimeout(Duration timeout) {
    return new FetchPolicy(
        connectTimeout, timeout, maxBytes, maxRedirects, allowPrivateNetworks, allowedEndpoints);
  }

  /** Whether connecting to {@code address} on {@code port} is allowed. */
  public boolean permits(InetAddress address, int port) {
    return allowPrivateNetworks
        || AddressPolicy.isPublic(address)
        || allowedEndpoints.contains(new InetSocketAddress(address, port));
  }

  private static Set<InetSocketAddress> endpoints(Settings settings) {
    Set<InetSocketAddress> endpoints = new HashSet<>();
    for (String item : settings.string(ALLOWED_ENDPOINTS, "").split(",")) {
      String entry = item.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      try {
        String host = entry.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(entry.substring(colon + 1));
        // Literal addresses only: a name here would be resolved at start-up and could change.
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
          throw new IllegalArgumentException();
        }
        endpoints.add(new InetSocketAddress(InetAddress.getByName(host), port));
      } catch (RuntimeException | UnknownHostException e) {
        settings.problem(ALLOWED_ENDPOINTS + " entries must be literal address:port pairs");
        break;
      }
    }
    return endpoints;
  }
}
