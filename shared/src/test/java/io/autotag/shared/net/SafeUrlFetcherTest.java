package io.autotag.shared.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link SafeUrlFetcher} refuses from the URL's form alone, before any address is looked up.
 */
class SafeUrlFetcherTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://0177.0.0.1/x.jpg",
        "http://127.1/x.jpg",
        "http://2130706433/x.jpg",
        "http://127.0.0.01/x.jpg",
        "http://256.1.1.1/x.jpg",
        "ftp://example.com/x.jpg",
        "http://user:pass@example.com/x.jpg"
      })
  void refusesAmbiguousOrUnsafeForms(String url) {
    assertThatThrownBy(() -> SafeUrlFetcher.checkForm(URI.create(url)))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.INVALID_URL));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/x.jpg", "http://93.184.216.34/x.jpg"})
  void acceptsOrdinaryForms(String url) throws FetchException {
    assertThat(SafeUrlFetcher.checkForm(URI.create(url))).isEqualTo(URI.create(url));
  }
}
