package io.learnware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code learnware spec validate FILE}, run in-process through picocli with captured output. */
class SpecValidateCommandTest {

  private static final Path DIGITS_SPEC = TestFixtures.DIGITS_SPEC;

  @TempDir Path tmp;

  @Test
  void theFixtureSpecIsValid() {
    CliRun run = CliRun.run("spec", "validate", DIGITS_SPEC.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(DIGITS_SPEC + ": valid" + System.lineSeparator());
    assertThat(run.err()).isEmpty();
  }

  @Test
  void everyViolationIsPrintedWithItsPointer() throws IOException {
    String spec =
        Files.readString(DIGITS_SPEC)
            .replace("\"dataType\": \"table\"", "\"dataType\": \"audio\"")
            .replace("\"license\": \"MIT\"", "\"license\": 7");
    assertThat(spec).contains("\"audio\"", "\"license\": 7");
    Path file = Files.writeString(tmp.resolve("two-errors.json"), spec);

    CliRun run = CliRun.run("spec", "validate", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .anyMatch(line -> line.startsWith("/dataType: "))
        .anyMatch(line -> line.startsWith("/license: "))
        .contains(file + ": 2 violation(s)");
    // Two violation lines plus the summary, nothing else.
    assertThat(run.err().lines()).hasSize(3);
  }

  @Test
  void brokenJsonNamesLineAndColumn() throws IOException {
    Path file = Files.writeString(tmp.resolve("broken.json"), "{\n  \"specVersion\": 1,\n  ]\n}\n");

    CliRun run = CliRun.run("spec", "validate", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith(file + ": not valid JSON at line 3, column 3: ");
  }

  @Test
  void aMissingFileIsRefused() {
    Path missing = tmp.resolve("no-such-spec.json");

    CliRun run = CliRun.run("spec", "validate", missing.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith(missing + ": cannot read: ");
  }

  @Test
  void noArgumentsIsAUsageError() {
    CliRun run = CliRun.run();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("Missing required subcommand").contains("Usage: learnware");
  }

  @Test
  void validateWithoutAFileIsAUsageError() {
    CliRun run = CliRun.run("spec", "validate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains("Missing required parameter: 'FILE'")
        .contains("Usage: learnware spec validate");
  }
}
