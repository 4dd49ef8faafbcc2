package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.learnware.market.MarketConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.Map;

/**
 * Text from workers as the market stores and shows it. Workers relay what models print and throw,
 * which is untrusted: every field is cut to {@link MarketConfig.Jobs#maxWorkerText()} characters
 * (marked), and characters that can hide or disguise text become U+FFFD: C0 and C1 controls except
 * tab and newline (also: PostgreSQL refuses NUL in text), Unicode bidi embeddings, overrides,
 * isolates and marks, zero-width characters, and lone surrogates.
 */
@ApplicationScoped
public class WorkerText {

  static final char REPLACEMENT = '\uFFFD';

  private final int max;

  public WorkerText(MarketConfig config) {
    this.max = config.jobs().maxWorkerText();
  }

  /** The text, sanitised and capped; null stays null. */
  public String clean(String text) {
    return text == null ? null : clean(text, max);
  }

  /** The tree with every string value {@linkplain #clean(String) cleaned}, in place. */
  public JsonNode cleanStrings(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getValue().isTextual()) {
          field.setValue(TextNode.valueOf(clean(field.getValue().textValue())));
        } else {
          cleanStrings(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isTextual()) {
          array.set(i, TextNode.valueOf(clean(array.get(i).textValue())));
        } else {
          cleanStrings(array.get(i));
        }
      }
    }
    return node;
  }

  static String clean(String text, int max) {
    int end = Math.min(text.length(), max);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // do not split a pair
    }
    StringBuilder out = new StringBuilder(end + 40);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        boolean pair =
            Character.isHighSurrogate(c)
                && i + 1 < end
                && Character.isLowSurrogate(text.charAt(i + 1));
        if (pair) {
          out.append(c).append(text.charAt(++i));
        } else {
          out.append(REPLACEMENT);
        }
      } else {
        out.append(hidden(c) ? REPLACEMENT : c);
      }
    }
    if (end < text.length()) {
      out.append(" … [cut: ").append(text.length() - end).append(" more characters]");
    }
    return out.toString();
  }

  /** Characters that are invisible or reorder what is around them. */
  private static boolean hidden(char c) {
    return (Character.isISOControl(c) && c != '\n' && c != '\t')
        || (c >= '\u200B' && c <= '\u200F') // zero-width space, joiners, LRM, RLM
        || (c >= '\u202A' && c <= '\u202E') // bidi embeddings and overrides
        || (c >= '\u2060' && c <= '\u2069') // word joiner, invisible operators, bidi isolates
        || c == '\u061C' // Arabic letter mark
        || c == '\uFEFF'; // zero-width no-break space
  }
}
