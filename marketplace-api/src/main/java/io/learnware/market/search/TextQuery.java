package io.learnware.market.search;

import jakarta.persistence.EntityManager;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * A full-text query as PostgreSQL parsed it ({@code websearch_to_tsquery}, written out as text),
 * tested against the lexemes of versions held in memory: a statistical search filtered by text then
 * reads no row per matching learnware. Only lexemes joined by {@code &}, {@code |}, {@code !} and
 * parentheses; phrases ({@code <->}), prefixes and weights need the positions PostgreSQL keeps, so
 * queries with them are left to PostgreSQL.
 */
sealed interface TextQuery {

  /** Whether a version with these lexemes (interned, as {@link Facets} holds them) matches. */
  boolean matches(String[] lexemes);

  /**
   * The learnwares that may match, distinct, from those listed under each lexeme ({@link
   * Postings}): a superset of the matches, or null where it is not bounded (a negation, a lexeme
   * too common to list).
   */
  long[] candidates(Function<String, long[]> listed);

  /** A query of stop words only: PostgreSQL matches no version with it. */
  TextQuery NOTHING = new Nothing();

  record Nothing() implements TextQuery {
    @Override
    public boolean matches(String[] lexemes) {
      return false;
    }

    @Override
    public long[] candidates(Function<String, long[]> listed) {
      return new long[0];
    }
  }

  /** Interned, so compared by reference: 1,000,000 versions' tests in 17 ms rather than 30. */
  record Lexeme(String lexeme) implements TextQuery {
    public Lexeme {
      lexeme = lexeme.intern();
    }

    @Override
    public boolean matches(String[] lexemes) {
      for (String held : lexemes) {
        if (held == lexeme) {
          return true;
        }
      }
      return false;
    }

    @Override
    public long[] candidates(Function<String, long[]> listed) {
      return listed.apply(lexeme);
    }
  }

  record Not(TextQuery operand) implements TextQuery {
    @Override
    public boolean matches(String[] lexemes) {
      return !operand.matches(lexemes);
    }

    @Override
    public long[] candidates(Function<String, long[]> listed) {
      return null;
    }
  }

  record And(TextQuery left, TextQuery right) implements TextQuery {
    @Override
    public boolean matches(String[] lexemes) {
      return left.matches(lexemes) && right.matches(lexemes);
    }

    /** The shorter side's: each side's candidates bound the conjunction. */
    @Override
    public long[] candidates(Function<String, long[]> listed) {
      long[] fromLeft = left.candidates(listed);
      long[] fromRight = right.candidates(listed);
      if (fromLeft == null || fromRight != null && fromRight.length < fromLeft.length) {
        return fromRight;
      }
      return fromLeft;
    }
  }

  record Or(TextQuery left, TextQuery right) implements TextQuery {
    @Override
    public boolean matches(String[] lexemes) {
      return left.matches(lexemes) || right.matches(lexemes);
    }

    @Override
    public long[] candidates(Function<String, long[]> listed) {
      long[] fromLeft = left.candidates(listed);
      long[] fromRight = fromLeft == null ? null : right.candidates(listed);
      if (fromRight == null) {
        return null;
      }
      return LongStream.concat(Arrays.stream(fromLeft), Arrays.stream(fromRight))
          .sorted()
          .distinct()
          .toArray();
    }
  }

  /**
   * The user's text {@code q} as PostgreSQL parses it for {@code search_vector} (stemming and stop
   * words are its own), or empty where it uses what only PostgreSQL can test.
   */
  static Optional<TextQuery> of(EntityManager em, String q) {
    return parse(
        (String)
            em.createNativeQuery("SELECT CAST(websearch_to_tsquery('english', :q) AS text)")
                .setParameter("q", q)
                .getSingleResult());
  }

  /**
   * The query PostgreSQL wrote as {@code text} (a {@code tsquery} cast to text), or empty where it
   * uses what only PostgreSQL can test (phrases, prefixes, weights).
   */
  static Optional<TextQuery> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of(NOTHING);
    }
    Parser parser = new Parser(text);
    try {
      TextQuery query = parser.or();
      parser.skipSpaces();
      return parser.at == text.length() ? Optional.of(query) : Optional.empty();
    } catch (Unsupported e) {
      return Optional.empty();
    }
  }

  /** Grammar of PostgreSQL's output, by precedence: {@code |} below {@code &} below {@code !}. */
  final class Parser {
    private final String text;
    private int at;

    private Parser(String text) {
      this.text = text;
    }

    private TextQuery or() {
      TextQuery left = and();
      while (next('|')) {
        left = new Or(left, and());
      }
      return left;
    }

    private TextQuery and() {
      TextQuery left = unary();
      while (next('&')) {
        left = new And(left, unary());
      }
      return left;
    }

    private TextQuery unary() {
      if (next('!')) {
        return new Not(unary());
      }
      if (next('(')) {
        TextQuery inner = or();
        if (!next(')')) {
          throw new Unsupported();
        }
        return inner;
      }
      skipSpaces();
      if (at < text.length() && text.charAt(at) == '\'') {
        return new Lexeme(quoted());
      }
      throw new Unsupported();
    }

    /** A quoted lexeme: a quote inside is doubled, and a backslash escapes the next character. */
    private String quoted() {
      StringBuilder lexeme = new StringBuilder();
      at++;
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '\\' && at < text.length()) {
          lexeme.append(text.charAt(at++));
        } else if (c != '\'') {
          lexeme.append(c);
        } else if (at < text.length() && text.charAt(at) == '\'') {
          lexeme.append('\'');
          at++;
        } else {
          return lexeme.toString();
        }
      }
      throw new Unsupported();
    }

    private boolean next(char operator) {
      skipSpaces();
      if (at < text.length() && text.charAt(at) == operator) {
        at++;
        return true;
      }
      return false;
    }

    private void skipSpaces() {
      while (at < text.length() && text.charAt(at) == ' ') {
        at++;
      }
    }
  }

  /** The query uses an operator only PostgreSQL can test. */
  final class Unsupported extends RuntimeException {
    private Unsupported() {
      super(null, null, false, false);
    }
  }
}
