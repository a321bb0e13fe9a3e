package io.autotag.shared.tagging;

/**
 * Makes text safe for an S3 tag: only the characters S3 allows (Unicode letters, digits, spaces and
 * {@code + - = . _ : / @}), within a length counted in UTF-16 units, never splitting a surrogate
 * pair.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html">Categorizing
 *     your storage using tags</a>
 */
public final class TagText {

  public static final int MAX_KEY_LENGTH = 128;
  public static final int MAX_VALUE_LENGTH = 256;
  public static final int MAX_TAGS = 10;

  private TagText() {}

  public static boolean isAllowed(int codePoint) {
    return Character.isLetter(codePoint)
        || Character.isDigit(codePoint)
        || codePoint == ' '
        || "+-=._:/@".indexOf(codePoint) >= 0;
  }

  /** Whether {@code text} may be used as a tag key or value as it is. */
  public static boolean isValid(String text, int maxLength) {
    return text.length() <= maxLength && text.codePoints().allMatch(TagText::isAllowed);
  }

  /**
   * Replaces every disallowed character with {@code _}, collapses whitespace and truncates to
   * {@code maxLength} UTF-16 units.
   */
  public static String sanitize(String text, int maxLength) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength));
    text.strip()
        .codePoints()
        .map(cp -> Character.isWhitespace(cp) ? ' ' : cp)
        .map(cp -> isAllowed(cp) ? cp : '_')
        .forEach(out::appendCodePoint);
    return truncate(out.toString().replaceAll(" {2,}", " "), maxLength);
  }

  /** Cuts to at most {@code maxLength} UTF-16 units without leaving half a surrogate pair. */
  public static String truncate(String text, int maxLength) {
    if (text.length() <= maxLength) {
      return text;
    }
    int end = maxLength;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }
}
