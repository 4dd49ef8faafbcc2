package io.learnware.spec;

import java.util.Comparator;

/**
 * One problem found in a document.
 *
 * @param pointer RFC 6901 JSON Pointer to the offending value; for a missing or unknown member it
 *     names the member itself (e.g. {@code /input/dimension}), so a form can highlight the field.
 *     The empty string is the whole document.
 * @param message what is wrong, written for a person, without the pointer
 */
public record Violation(String pointer, String message) implements Comparable<Violation> {

  private static final Comparator<Violation> ORDER =
      Comparator.comparing(Violation::pointer, Violation::comparePointers)
          .thenComparing(Violation::message);

  /**
   * Orders by pointer, array indices numerically ({@code /z/2} before {@code /z/10}), then text.
   */
  @Override
  public int compareTo(Violation other) {
    return ORDER.compare(this, other);
  }

  /** The pointer to member {@code name} of the value at {@code pointer}, escaped per RFC 6901. */
  public static String child(String pointer, String name) {
    return pointer + "/" + name.replace("~", "~0").replace("/", "~1");
  }

  /** The pointer to element {@code index} of the array at {@code pointer}. */
  public static String child(String pointer, int index) {
    return pointer + "/" + index;
  }

  private static int comparePointers(String a, String b) {
    String[] left = a.split("/", -1);
    String[] right = b.split("/", -1);
    for (int i = 0; i < Math.min(left.length, right.length); i++) {
      int order = compareTokens(left[i], right[i]);
      if (order != 0) {
        return order;
      }
    }
    return Integer.compare(left.length, right.length);
  }

  private static int compareTokens(String a, String b) {
    if (isIndex(a) && isIndex(b)) {
      // Same-length digit strings compare like numbers; shorter ones are smaller (no overflow).
      return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
    return a.compareTo(b);
  }

  private static boolean isIndex(String token) {
    return !token.isEmpty()
        && token.chars().allMatch(c -> c >= '0' && c <= '9')
        && (token.length() == 1 || token.charAt(0) != '0');
  }
}
