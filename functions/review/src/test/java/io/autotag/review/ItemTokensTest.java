package io.autotag.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemTokensTest {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final ReviewMessage MESSAGE =
      new ReviewMessage(
          ReviewMessage.SCHEMA,
          "bucket",
          "photos/ü+.jpg",
          "v1",
          "etag",
          12L,
          "image/jpeg",
          "onnx",
          "coco80",
          List.of(new ReviewMessage.Prediction("cat", 0.31)),
          0.5,
          "low-confidence",
          "2026-11-22T09:59:00Z");
  static final ItemToken TOKEN =
      new ItemToken("AQEB-handle+/=", "message-1", "alice", NOW, MESSAGE);

  static ItemTokens tokens(String key, Instant now) {
    return new ItemTokens(
        Secret.literal("AUTOTAG_REVIEW_TOKEN_KEY", key),
        new ObjectMapper(),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aTokenCarriesItsItemBack() throws Exception {
    ItemTokens tokens = tokens(TestReview.TOKEN_KEY, NOW);

    String token = tokens.issue(TOKEN);

    assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(tokens.verify(token)).isEqualTo(TOKEN);
  }

  @Test
  void everyChangedCharacterIsRefused() throws Exception {
    ItemTokens tokens = tokens(TestReview.TOKEN_KEY, NOW);
    String token = tokens.issue(TOKEN);

    for (int i = 0; i < token.length(); i += 7) {
      char c = token.charAt(i);
      String changed = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
      assertThatThrownBy(() -> tokens.verify(changed))
          .as("position " + i)
          .isInstanceOf(ReviewException.class)
          .extracting(e -> ((ReviewException) e).code())
          .isIn("invalid-token");
    }
  }

  @Test
  void aTokenSignedWithAnotherKeyOrShapedWronglyIsRefused() throws Exception {
    String other = tokens("another-key-that-is-also-32-chars-long", NOW).issue(TOKEN);
    ItemTokens tokens = tokens(TestReview.TOKEN_KEY, NOW);
    String mine = tokens.issue(TOKEN);
    String unsigned =
        mine.substring(0, mine.indexOf('.'))
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

    for (String bad : List.of(other, unsigned, "", ".", "a.b.c", "%%%.%%%", "x".repeat(20_000))) {
      assertThatThrownBy(() -> tokens.verify(bad)).isInstanceOf(ReviewException.class);
    }
    assertThatThrownBy(() -> tokens.verify(null)).isInstanceOf(ReviewException.class);
  }

  @Test
  void aTokenOlderThanSqsLongestLeaseIsLost() throws Exception {
    String token = tokens(TestReview.TOKEN_KEY, NOW).issue(TOKEN);

    ItemTokens later = tokens(TestReview.TOKEN_KEY, NOW.plus(Duration.ofHours(13)));

    assertThatThrownBy(() -> later.verify(token))
        .isInstanceOf(ReviewException.class)
        .extracting(e -> ((ReviewException) e).code())
        .isEqualTo("lease-lost");
  }

  @Test
  void aShortKeyIsAConfigurationError() {
    assertThatThrownBy(() -> tokens("too-short", NOW).issue(TOKEN))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("at least 32")
        .hasMessageNotContaining("too-short");
  }
}
