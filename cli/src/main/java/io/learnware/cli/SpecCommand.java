package io.learnware.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Violation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware spec ...}: specification documents, checked on the user's machine. */
@Command(
    name = "spec",
    description = "Check specification documents and compute statistical ones, locally.",
    subcommands = {SpecCommand.Validate.class, SpecRkmeCommand.class})
final class SpecCommand {

  @Command(
      name = "validate",
      description =
          "Validate a specification against the schema; prints every violation as 'pointer: message'.")
  static final class Validate implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the specification JSON")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      JsonNode document;
      try {
        document = new ObjectMapper().readTree(Files.readString(file));
      } catch (JsonProcessingException e) {
        err.printf(
            "%s: not valid JSON at line %d, column %d: %s%n",
            file,
            e.getLocation().getLineNr(),
            e.getLocation().getColumnNr(),
            e.getOriginalMessage());
        return 1;
      } catch (IOException e) {
        err.printf("%s: cannot read: %s%n", file, e.getMessage());
        return 1;
      }
      List<Violation> violations = new SpecValidator().validate(document);
      if (violations.isEmpty()) {
        out.printf("%s: valid%n", file);
        return 0;
      }
      violations.forEach(v -> err.printf("%s: %s%n", v.pointer(), v.message()));
      err.printf("%s: %d violation(s)%n", file, violations.size());
      return 1;
    }
  }
}
