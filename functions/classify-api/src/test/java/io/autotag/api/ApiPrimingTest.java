package io.autotag.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.testing.FakeClassifier;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SnapStart priming must not reach a provider (a hosted one would read its secret and call out
 * before the snapshot) in any authentication mode: its requests stop before classification whether
 * a key is required, IAM is, or nothing is.
 */
class ApiPrimingTest {

  @ParameterizedTest
  @CsvSource({"api-key, 401", "iam, 401", "none, 415"})
  void primingRequestsStopBeforeTheClassifierInEveryAuthMode(String auth, int classifyStatus) {
    FakeClassifier classifier = TestApi.scripted("scripted");
    try (ApiWiring wiring =
        TestApi.wiring(
            TestApi.env("AUTOTAG_API_AUTH", auth, "AUTOTAG_PRIMING", "true"), classifier)) {

      List<Integer> statuses = wiring.primingRequests();
      // the token route refuses the primed assertion (HS256) before reading any secret: 400
      assertThat(statuses).containsExactly(200, classifyStatus, 400);
      assertThat(wiring.priming().prime()).isTrue();

      assertThat(classifier.calls()).as("requests that reached the classifier").isZero();
      assertThat(classifier.primes()).isEqualTo(1);
    }
  }
}
