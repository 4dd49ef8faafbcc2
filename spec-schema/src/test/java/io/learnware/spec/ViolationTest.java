package io.learnware.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ViolationTest {

  @Test
  void ordersArrayIndicesNumericallyAndRootFirst() {
    List<String> sorted =
        Stream.of("/z/10", "/z/2", "/beta", "", "/z/2/0", "/z")
            .map(pointer -> new Violation(pointer, "m"))
            .sorted()
            .map(Violation::pointer)
            .toList();

    assertThat(sorted).containsExactly("", "/beta", "/z", "/z/2", "/z/2/0", "/z/10");
  }

  @Test
  void escapesMemberNames() {
    assertThat(Violation.child("/a", "b/c~d")).isEqualTo("/a/b~1c~0d");
    assertThat(Violation.child("", 3)).isEqualTo("/3");
  }
}
