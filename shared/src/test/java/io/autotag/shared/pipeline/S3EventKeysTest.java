package io.autotag.shared.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3EventKeysTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "photos/cat.jpg|photos/cat.jpg",
        "photos/My+Holiday.jpg|photos/My Holiday.jpg",
        "a%2Bb.jpg|a+b.jpg",
        "photos/My+Holiday%2BBeach+%C3%BC.jpg|photos/My Holiday+Beach ü.jpg",
        "%E7%8C%AB/%F0%9F%90%88.png|猫/🐈.png",
        "100%25+done.png|100% done.png",
      })
  void decodesKeysAsS3EncodesThem(String encoded, String decoded) {
    assertThat(S3EventKeys.decode(encoded)).isEqualTo(decoded);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "photos/My Holiday+Beach ü.jpg|photos/My+Holiday%2BBeach+%C3%BC.jpg",
        "猫/🐈.png|%E7%8C%AB/%F0%9F%90%88.png",
        "100% done.png|100%25+done.png",
      })
  void encodesKeysAsS3WritesThemIntoEvents(String key, String encoded) {
    assertThat(S3EventKeys.encode(key)).isEqualTo(encoded);
    assertThat(S3EventKeys.decode(S3EventKeys.encode(key))).isEqualTo(key);
  }

  @Test
  void rejectsMalformedEscapes() {
    assertThatThrownBy(() -> S3EventKeys.decode("bad%zz.jpg"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
