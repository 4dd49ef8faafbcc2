package io.learnware.cli;

import io.learnware.client.LearnwareRef;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Parsing of the commands' shared argument forms; malformed ones are usage errors. */
final class Arguments {

  private Arguments() {}

  /**
   * {@code owner/name}, or with {@code versionAllowed} also {@code owner/name@ref}.
   *
   * @throws ParameterException if malformed (exit code 2)
   */
  static LearnwareRef learnware(CommandSpec spec, String text, boolean versionAllowed) {
    if (!versionAllowed && text.contains("@")) {
      throw new ParameterException(
          spec.commandLine(), "'" + text + "': give owner/name; the market numbers versions");
    }
    try {
      return LearnwareRef.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * A namespace, user or learnware name (they share one rule).
   *
   * @param what names it in the message, e.g. {@code "organisation"}
   * @throws ParameterException if malformed (exit code 2)
   */
  static String name(CommandSpec spec, String text, String what) {
    try {
      return LearnwareRef.requireName(text, what);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * {@code public} or {@code private}.
   *
   * @throws ParameterException otherwise (exit code 2)
   */
  static String visibility(CommandSpec spec, String text, String option) {
    if (!text.equals("public") && !text.equals("private")) {
      throw new ParameterException(
          spec.commandLine(), option + ": expected public or private, got '" + text + "'");
    }
    return text;
  }
}
