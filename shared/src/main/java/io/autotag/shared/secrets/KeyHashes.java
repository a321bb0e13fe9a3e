package io.autotag.shared.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * SHA-256 digests of the keys that may call a function (API keys, reviewer keys), so that the
 * configuration never holds a usable key. The configured text lists digests separated by commas or
 * whitespace, each optionally named ({@code alice=<hex>}): a reviewer key's name is the reviewer's
 * id. A presented key is hashed and compared with every digest in constant time, with no early
 * exit, so the time taken does not say which digest (if any) matched.
 */
public final class KeyHashes {

  private record Entry(String name, byte[] digest) {}

  private final List<Entry> entries;

  private KeyHashes(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Parses {@code [name=]hex} entries.
   *
   * @throws IllegalArgumentException when an entry is not a SHA-256 hex digest, a name holds
   *     characters other than letters, digits and {@code . _ - @ + :}, or there is no entry
   */
  public static KeyHashes parse(String raw) {
    List<Entry> entries = new ArrayList<>();
    for (String item : raw.split("[,\\s]+")) {
      String entry = item.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String name = eq < 0 ? "" : entry.substring(0, eq);
      String hex = (eq < 0 ? entry : entry.substring(eq + 1)).toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("not a SHA-256 hex digest");
      }
      if (eq >= 0 && !name.matches("[\\p{L}\\p{N}._@+:-]{1,64}")) {
        throw new IllegalArgumentException(
            "a key's name must be 1-64 letters, digits or . _ - @ + :");
      }
      entries.add(new Entry(name, HexFormat.of().parseHex(hex)));
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no digests");
    }
    return new KeyHashes(entries);
  }

  public int size() {
    return entries.size();
  }

  /**
   * The name of the entry whose digest is the presented key's ({@code ""} for an unnamed entry), or
   * empty when none matches.
   */
  public Optional<String> match(String presented) {
    byte[] digest = sha256(presented);
    String matched = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(digest, entry.digest()) && matched == null) {
        matched = entry.name();
      }
    }
    return Optional.ofNullable(matched);
  }

  /** SHA-256 hex of a key: what {@code sha256sum} prints for it, the form configuration holds. */
  public static String sha256Hex(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
