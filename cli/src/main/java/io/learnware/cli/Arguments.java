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
}
