package io.learnware.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code learnware}: the market's command line. Exit codes: 0 ok, 1 the input was refused, 2 bad
 * usage.
 */
@Command(
    name = "learnware",
    mixinStandardHelpOptions = true,
    version = "learnware 0.1",
    description = "Work with learnware specifications and the Learnware Market.",
    subcommands = {SpecCommand.class})
public final class LearnwareCli {

  public static void main(String... args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new LearnwareCli()).execute(args);
  }
}
