package io.learnware.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LearnwareRefTest {

  @Test
  void aBareKeyMeansLatest() {
    LearnwareRef ref = LearnwareRef.parse("demo/digits");

    assertThat(ref).isEqualTo(new LearnwareRef("demo", "digits", "latest"));
    assertThat(ref.key()).isEqualTo("demo/digits");
    assertThat(ref).hasToString("demo/digits@latest");
  }

  @Test
  void versionsAndAliases() {
    assertThat(LearnwareRef.parse("demo/digits@12").version()).isEqualTo("12");
    assertThat(LearnwareRef.parse("demo/digits@prod").version()).isEqualTo("prod");
    assertThat(LearnwareRef.parse("demo/digits@prod").at("3")).hasToString("demo/digits@3");
  }

  @Test
  void malformedReferencesSayWhatIsExpected() {
    assertThatThrownBy(() -> LearnwareRef.parse("digits"))
        .hasMessage("'digits' is not a learnware: expected owner/name or owner/name@version");
    assertThatThrownBy(() -> LearnwareRef.parse("a/b/c"))
        .hasMessage("'a/b/c' is not a learnware: expected owner/name or owner/name@version");
    assertThatThrownBy(() -> LearnwareRef.parse("Demo/digits"))
        .hasMessage("invalid owner 'Demo': lowercase letters, digits and '-', 2 to 63 characters");
    assertThatThrownBy(() -> LearnwareRef.parse("demo/x"))
        .hasMessage("invalid name 'x': lowercase letters, digits and '-', 2 to 63 characters");
    assertThatThrownBy(() -> LearnwareRef.parse("demo/digits@"))
        .hasMessage("invalid version '': a version number or an alias such as 'latest'");
    assertThatThrownBy(() -> LearnwareRef.parse("demo/digits@0"))
        .hasMessage("invalid version '0': a version number or an alias such as 'latest'");
    assertThatThrownBy(() -> LearnwareRef.parse("demo/digits@../x"))
        .hasMessageStartingWith("invalid version '../x'");
  }
}
