package io.autotag.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.secrets.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeyAuthenticatorTest {

  private static final String OTHER_HASH = ApiKeyAuthenticator.hash("second-key");

  private final ApiKeyAuthenticator auth =
      new ApiKeyAuthenticator(
          ApiConfig.AuthMode.API_KEY,
          Secret.literal(
              "AUTOTAG_API_KEY_HASHES", TestApi.KEY_HASH.toUpperCase() + ",\n " + OTHER_HASH));

  private static ApiRequest request(Map<String, String> headers, String query) {
    return new ApiRequest(
        "POST",
        "/classify",
        headers,
        ApiEvents.parseQuery(query),
        new byte[0],
        "r",
        PayloadVersion.V2,
        null);
  }

  @Test
  void hashesAreSha256Hex() {
    assertThat(ApiKeyAuthenticator.hash(TestApi.KEY)).isEqualTo(TestApi.KEY_HASH);
  }

  @Test
  void acceptsEveryConfiguredKeyFromEverySource() throws Exception {
    auth.authenticate(
        request(Map.of("authorization", "Bearer " + TestApi.KEY), ""),
        ApiKeyAuthenticator.KeySources.HEADERS,
        null);
    auth.authenticate(
        request(Map.of("authorization", "bearer second-key"), ""),
        ApiKeyAuthenticator.KeySources.HEADERS,
        null);
    auth.authenticate(
        request(Map.of("x-api-key", "second-key"), ""),
        ApiKeyAuthenticator.KeySources.HEADERS,
        null);
    auth.authenticate(
        request(Map.of(), "api_key=second-key"),
        ApiKeyAuthenticator.KeySources.HEADERS_AND_QUERY,
        null);
    auth.authenticate(request(Map.of(), ""), ApiKeyAuthenticator.KeySources.HEADERS, TestApi.KEY);
  }

  @Test
  void refusesMissingWrongAndMisplacedKeys() {
    for (var attempt :
        List.of(
            request(Map.of(), ""),
            request(Map.of("authorization", "Basic " + TestApi.KEY), ""),
            request(Map.of("authorization", "Bearer "), ""),
            request(Map.of("x-api-key", TestApi.KEY_HASH), ""), // the hash is not the key
            request(Map.of(), "api_key=" + TestApi.KEY))) { // query not allowed here
      assertThatThrownBy(
              () -> auth.authenticate(attempt, ApiKeyAuthenticator.KeySources.HEADERS, null))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
  }

  @Test
  void parsesHashLists() {
    assertThat(ApiKeyAuthenticator.parseHashes(TestApi.KEY_HASH + "," + OTHER_HASH).size())
        .isEqualTo(2);
    assertThatThrownBy(() -> ApiKeyAuthenticator.parseHashes("abc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ApiKeyAuthenticator.parseHashes(" , "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
