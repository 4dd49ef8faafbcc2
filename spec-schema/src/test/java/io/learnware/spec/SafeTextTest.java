package io.learnware.spec;

import static io.learnware.spec.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names and labels with bidi, control or invisible characters are refused with a pointer. */
class SafeTextTest {

  private static final SpecValidator VALIDATOR = new SpecValidator();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u202E", "\u202A", "\u200B", "\u200D", "\u200E", "\u2066", "\u2069", "\uFEFF", "\u0000",
        "\u001B", "\u007F", "\u0085", "\u009B", "\u2028", "\u3164", "\u00AD"
      })
  void refusesEachKindOfHiddenCharacter(String hidden) {
    assertThat(SafeText.problem("digits" + hidden + "mlp", false))
        .hasValueSatisfying(
            message ->
                assertThat(message)
                    .contains("U+%04X".formatted(hidden.codePointAt(0)))
                    .contains("not allowed"));
  }

  @Test
  void namesTheCharacter() {
    assertThat(SafeText.problem("gpj.\u202Eexe", false))
        .contains(
            "contains U+202E (RIGHT-TO-LEFT OVERRIDE): control, bidi and invisible characters are"
                + " not allowed");
  }

  @Test
  void acceptsOrdinaryTextInAnyScript() {
    assertThat(SafeText.problem("Ziffern MLP – 手写数字 – أرقام – ☃", false)).isEmpty();
  }

  @Test
  void descriptionsMayHaveLineBreaksAndTabsButNamesMayNot() {
    assertThat(SafeText.problem("line one\r\n\tline two", true)).isEmpty();
    assertThat(SafeText.problem("line one\nline two", false)).isPresent();
    assertThat(SafeText.problem("line one\u202Eline two", true)).isPresent();
  }

  @Test
  void theValidatorPointsAtEachNameAndLabel() {
    ObjectNode spec = Docs.fixture();
    spec.put("name", "Digits \u202Egnp.exe");
    spec.put("description", "Fine\nbut \u200Bhidden");
    spec.with("output").withArray("labels").set(3, json("\"\u200B3\""));
    ((ObjectNode) spec.with("input").withArray("features").get(5)).put("name", "p\u20695");

    assertThat(VALIDATOR.validate(spec))
        .extracting(Violation::pointer)
        .containsExactly("/description", "/input/features/5/name", "/name", "/output/labels/3");
    assertThat(VALIDATOR.validate(spec))
        .filteredOn(v -> v.pointer().equals("/name"))
        .extracting(Violation::message)
        .containsExactly(
            "contains U+202E (RIGHT-TO-LEFT OVERRIDE): control, bidi and invisible characters are"
                + " not allowed");
  }

  @Test
  void anAsciiControlInTheNameIsReportedOnceBySchema() {
    ObjectNode spec = Docs.fixture();
    spec.put("name", "Digits\n\u202E");

    assertThat(VALIDATOR.validate(spec))
        .extracting(Violation::message)
        .containsExactlyInAnyOrder(
            "must not contain control characters such as line breaks",
            "contains U+202E (RIGHT-TO-LEFT OVERRIDE): control, bidi and invisible characters are"
                + " not allowed");
  }

  @Test
  void theFixtureSpecPasses() {
    assertThat(VALIDATOR.validate(Docs.fixture())).isEmpty();
  }
}
