package io.autotag.shared.tagging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TagTextTest {

  @Test
  void keepsLettersDigitsSpacesAndTheAllowedPunctuation() {
    assertThat(TagText.sanitize("Straße 12 +-=._:/@ ünïcödé 猫", 256))
        .isEqualTo("Straße 12 +-=._:/@ ünïcödé 猫");
  }

  @Test
  void replacesCommasAndOtherDisallowedCharacters() {
    assertThat(TagText.sanitize("hot dog, bun; (toasted)!", 256))
        .isEqualTo("hot dog_ bun_ _toasted__");
  }

  @Test
  void collapsesWhitespaceAndStripsTheEnds() {
    assertThat(TagText.sanitize("  traffic\t\nlight  ", 256)).isEqualTo("traffic light");
  }

  @Test
  void truncatesWithoutSplittingASurrogatePair() {
    String text = "ab" + "😀".repeat(3); // each emoji is two UTF-16 units (and is not a letter)
    String cut = TagText.truncate("ab𝒜𝒜", 3); // 𝒜 is a letter outside the BMP
    assertThat(cut).isEqualTo("ab");
    assertThat(TagText.sanitize(text, 4)).isEqualTo("ab__");
  }

  @Test
  void validatesLength() {
    assertThat(TagText.isValid("a".repeat(128), 128)).isTrue();
    assertThat(TagText.isValid("a".repeat(129), 128)).isFalse();
    assertThat(TagText.isValid("a,b", 128)).isFalse();
  }
}
