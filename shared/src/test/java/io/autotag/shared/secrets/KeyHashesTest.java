package io.autotag.shared.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyHashesTest {

  static final String ALICE_KEY = "alice-secret-key";
  static final String BOB_KEY = "bob-secret-key";

  @Test
  void digestIsWhatSha256sumPrints() {
    // printf %s abc | sha256sum
    assertThat(KeyHashes.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void namedEntriesSayWhoseKeyMatched() {
    KeyHashes hashes =
        KeyHashes.parse(
            "alice=" + KeyHashes.sha256Hex(ALICE_KEY) + ",\n bob=" + KeyHashes.sha256Hex(BOB_KEY));

    assertThat(hashes.size()).isEqualTo(2);
    assertThat(hashes.match(ALICE_KEY)).contains("alice");
    assertThat(hashes.match(BOB_KEY)).contains("bob");
    assertThat(hashes.match("mallory")).isEmpty();
    assertThat(hashes.match("")).isEmpty();
  }

  @Test
  void unnamedEntriesMatchWithAnEmptyNameAndCaseOfHexDoesNotMatter() {
    KeyHashes hashes = KeyHashes.parse(KeyHashes.sha256Hex(ALICE_KEY).toUpperCase());

    assertThat(hashes.match(ALICE_KEY)).contains("");
  }

  @Test
  void refusesWhatIsNotADigestOrAName() {
    assertThatThrownBy(() -> KeyHashes.parse("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyHashes.parse(" , ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyHashes.parse("a/b=" + KeyHashes.sha256Hex(ALICE_KEY)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyHashes.parse("=" + KeyHashes.sha256Hex(ALICE_KEY)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
