package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Full-text queries as PostgreSQL writes them out, tested against a version's lexemes. */
class TextQueryTest {

  /** A version's lexemes as {@link Facets} holds them: interned, in no particular order. */
  private static boolean matches(String query, String... lexemes) {
    String[] held = new String[lexemes.length];
    for (int i = 0; i < lexemes.length; i++) {
      held[i] = new String(lexemes[i]).intern();
    }
    return TextQuery.parse(query).orElseThrow().matches(held);
  }

  @Test
  void andBindsTighterThanOrAndNotTighterThanAnd() {
    // websearch_to_tsquery('english', 'cat or dog -mouse')
    String query = "'cat' | 'dog' & !'mous'";
    assertThat(matches(query, "cat", "mous")).isTrue();
    assertThat(matches(query, "dog")).isTrue();
    assertThat(matches(query, "dog", "mous")).isFalse();
    assertThat(matches(query, "bird")).isFalse();
    // websearch_to_tsquery('english', 'cat -dog or mouse')
    assertThat(matches("'cat' & !'dog' | 'mous'", "mous", "dog")).isTrue();
    assertThat(matches("'cat' & !'dog' | 'mous'", "cat", "dog")).isFalse();
  }

  @Test
  void parenthesesGroup() {
    String query = "( 'cat' | 'dog' ) & 'pet'";
    assertThat(matches(query, "dog", "pet")).isTrue();
    assertThat(matches(query, "dog")).isFalse();
    assertThat(matches("!( 'cat' & 'dog' )", "cat")).isTrue();
    assertThat(matches("!( 'cat' & 'dog' )", "cat", "dog")).isFalse();
  }

  @Test
  void quotedLexemesKeepTheirQuotesAndBackslashes() {
    assertThat(matches("'o''neil' & 'a\\\\b'", "o'neil", "a\\b")).isTrue();
    assertThat(matches("'o''neil'", "o", "neil")).isFalse();
  }

  @Test
  void stopWordsAloneMatchNothing() {
    assertThat(TextQuery.parse("")).contains(TextQuery.NOTHING);
    assertThat(matches("", "the", "cat")).isFalse();
  }

  /** Phrases, prefixes and weights need positions; malformed text is not guessed at. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "'big' <-> 'cat' & 'dog'",
        "!( 'big' <-> 'cat' )",
        "'a-b' <2> 'b'",
        "'cat':*",
        "'cat':A",
        "'cat' &",
        "( 'cat'",
        "'cat",
        "cat",
        "'cat' 'dog'"
      })
  void leavesToPostgresqlWhatItCannotTest(String query) {
    assertThat(TextQuery.parse(query)).isEmpty();
  }
}
