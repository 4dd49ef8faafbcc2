package io.learnware.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.learnware.spec.SpecDocuments;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The {@code --json} output of the commands: one pretty-printed document on standard output. */
final class Json {

  private Json() {}

  static void print(PrintWriter out, Object value) {
    try {
      out.println(
          SpecDocuments.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      // The values are the client's own records and trees: they always serialise.
      throw new UncheckedIOException(e);
    }
  }
}
