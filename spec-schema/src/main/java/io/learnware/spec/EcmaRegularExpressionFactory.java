package io.learnware.spec;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.regex.Pattern;

/**
 * Compiles schema patterns with java.util.regex but gives {@code $} its ECMA-262 meaning (end of
 * input), as JSON Schema requires. In Java, {@code $} also matches before a final line break, so
 * without this {@code "digits\n"} would pass {@code ^[a-z0-9-]+$}.
 */
final class EcmaRegularExpressionFactory implements RegularExpressionFactory {

  @Override
  public RegularExpression getRegularExpression(String regex) {
    Pattern pattern = Pattern.compile(toJava(regex));
    return value -> pattern.matcher(value).find();
  }

  /** Replaces each {@code $} anchor (not escaped, not in a character class) with {@code \z}. */
  static String toJava(String regex) {
    StringBuilder java = new StringBuilder(regex.length() + 4);
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length()) {
        java.append(c).append(regex.charAt(++i));
      } else if (inClass) {
        inClass = c != ']';
        java.append(c);
      } else if (c == '[') {
        inClass = true;
        java.append(c);
      } else if (c == '$') {
        java.append("\\z");
      } else {
        java.append(c);
      }
    }
    return java.toString();
  }
}
