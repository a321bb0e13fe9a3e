package io.autotag.api;

import io.autotag.shared.secrets.KeyHashes;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks that a request may call the API. In API-key mode the key travels as {@code Authorization:
 * Bearer}, {@code x-api-key}, or (Roboflow routes only, because Roboflow clients send it there)
 * {@code ?api_key=} or the JSON body's {@code api_key}. Only SHA-256 hashes of the keys are
 * configured ({@link KeyHashes}), so the configuration never holds a usable key; a presented key is
 * hashed and compared with every configured hash in constant time. In IAM mode API Gateway has
 * authenticated the caller and the function only checks that the event says so; {@code none} turns
 * the check off.
 */
final class ApiKeyAuthenticator {

  /** Where a key may come from on a given route. */
  enum KeySources {
    HEADERS,
    HEADERS_AND_QUERY
  }

  private final ApiConfig.AuthMode mode;
  private final Secret hashes;
  private volatile Parsed parsed;

  private record Parsed(String raw, KeyHashes hashes) {}

  ApiKeyAuthenticator(ApiConfig.AuthMode mode, Secret hashes) {
    this.mode = mode;
    this.hashes = hashes;
  }

  ApiConfig.AuthMode mode() {
    return mode;
  }

  /**
   * Returns normally when the request may proceed.
   *
   * @param bodyKey a key the route found in the request body (Roboflow's {@code api_key}), or
   *     {@code null}
   * @throws ApiException 401 when no valid key was presented
   * @throws SecretException when the key hashes cannot be read from their store
   */
  void authenticate(ApiRequest request, KeySources sources, String bodyKey) throws SecretException {
    switch (mode) {
      case NONE -> {}
      case IAM -> {
        if (request.iamCaller() == null) {
          throw ApiException.unauthorized("the request was not signed with IAM credentials");
        }
      }
      case API_KEY -> {
        Optional<String> key =
            presentedKey(request, sources).or(() -> Optional.ofNullable(bodyKey));
        if (key.isEmpty() || key.get().isEmpty()) {
          throw ApiException.unauthorized(
              "an API key is required (Authorization: Bearer <key> or x-api-key)");
        }
        if (!matches(key.get())) {
          throw ApiException.unauthorized("the API key is not valid");
        }
      }
    }
  }

  /** The token of an {@code Authorization: Bearer} header, if there is one. */
  static Optional<String> bearer(ApiRequest request) {
    return request
        .header("authorization")
        .map(String::trim)
        .filter(v -> v.toLowerCase(Locale.ROOT).startsWith("bearer "))
        .map(v -> v.substring("bearer ".length()).trim());
  }

  private static Optional<String> presentedKey(ApiRequest request, KeySources sources) {
    Optional<String> bearer = bearer(request);
    if (bearer.isPresent()) {
      return bearer;
    }
    Optional<String> header = request.header("x-api-key").map(String::trim);
    if (header.isPresent()) {
      return header;
    }
    return sources == KeySources.HEADERS_AND_QUERY
        ? request.queryParameter("api_key")
        : Optional.empty();
  }

  private boolean matches(String key) throws SecretException {
    return hashes().match(key).isPresent();
  }

  private KeyHashes hashes() throws SecretException {
    String raw = hashes.value();
    Parsed current = parsed;
    if (current == null || !current.raw().equals(raw)) {
      try {
        current = new Parsed(raw, parseHashes(raw));
      } catch (IllegalArgumentException e) {
        throw new SecretException(
            ApiConfig.KEY_HASHES + " holds something other than SHA-256 hex hashes", false, null);
      }
      parsed = current;
    }
    return current.hashes();
  }

  /** Parses a comma- or newline-separated list of SHA-256 hex digests. */
  static KeyHashes parseHashes(String raw) {
    return KeyHashes.parse(raw);
  }

  /** SHA-256 hex of a key, the form {@code AUTOTAG_API_KEY_HASHES} holds. */
  static String hash(String key) {
    return KeyHashes.sha256Hex(key);
  }
}
