package io.learnware.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.regex.RegularExpression;
import org.junit.jupiter.api.Test;

class EcmaRegularExpressionFactoryTest {

  private final EcmaRegularExpressionFactory factory = new EcmaRegularExpressionFactory();

  @Test
  void dollarAnchorsAtTheEndOfInputOnly() {
    RegularExpression slug = factory.getRegularExpression("^[a-z]+$");

    assertThat(slug.matches("digits")).isTrue();
    assertThat(slug.matches("digits\n")).isFalse();
  }

  @Test
  void literalDollarsAreKept() {
    assertThat(EcmaRegularExpressionFactory.toJava("^a\\$[$]$")).isEqualTo("^a\\$[$]\\z");
    assertThat(factory.getRegularExpression("^\\$[$]$").matches("$$")).isTrue();
  }

  @Test
  void patternsAreUnanchoredLikeJsonSchema() {
    assertThat(factory.getRegularExpression("\\S").matches("  x ")).isTrue();
  }
}
