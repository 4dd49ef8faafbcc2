package io.learnware.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names and labels that people read must show what they are: no control characters, no bidi
 * overrides or isolates (U+202A–U+202E, U+2066–U+2069), which can make text display in an order
 * other than the one it is stored in, and no invisible characters (zero-width spaces and joiners,
 * Hangul fillers), which make two different names look the same.
 */
public final class SafeText {

  /**
   * A regular expression character class of the refused characters: controls (C0, DEL, C1), format
   * characters (bidi marks, embeddings, overrides and isolates, zero-width characters, the byte
   * order mark, tag characters), line and paragraph separators, and the invisible Hangul fillers.
   * For Bean Validation {@code @Pattern}s: {@code "^[^" + FORBIDDEN + "]*$"}.
   */
  public static final String FORBIDDEN = "\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\u115F\\u1160\\u3164\\uFFA0";

  private static final Pattern REFUSED = Pattern.compile("[" + FORBIDDEN + "]");

  private SafeText() {}

  /**
   * Why {@code text} is refused, naming its first refused character, or empty if it is fine.
   *
   * @param multiline whether tabs and line breaks are allowed (descriptions)
   */
  public static Optional<String> problem(String text, boolean multiline) {
    Matcher matcher = REFUSED.matcher(text);
    while (matcher.find()) {
      int codePoint = text.codePointAt(matcher.start());
      if (multiline && (codePoint == '\n' || codePoint == '\r' || codePoint == '\t')) {
        continue;
      }
      String name = Character.getName(codePoint);
      return Optional.of(
          "contains U+%04X%s: control, bidi and invisible characters are not allowed"
              .formatted(codePoint, name == null ? "" : " (" + name + ")"));
    }
    return Optional.empty();
  }
}
