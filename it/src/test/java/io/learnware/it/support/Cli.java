package io.learnware.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.cli.LearnwareCli;
import io.learnware.spec.SpecDocuments;
import io.learnware.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The {@code learnware} command line, run in this JVM through its picocli entry point (what {@code
 * main} runs), with its output captured.
 */
public final class Cli {

  private Cli() {}

  /** What a command printed, and its exit code. */
  public record Run(int exitCode, String out, String err) {}

  /**
   * {@code learnware ARGS…} against the market: {@code --server} (and {@code --token} unless it is
   * null) follow the command's name, or its subcommand's ({@code org create}), when the command
   * talks to a market; {@code spec …} runs as given.
   */
  public static Run run(MarketFixture market, String token, String... args) {
    CommandLine commandLine = LearnwareCli.commandLine();
    CommandLine command = commandLine.getSubcommands().get(args[0]);
    int at = 1;
    if (args.length > 1 && command.getSubcommands().containsKey(args[1])) {
      command = command.getSubcommands().get(args[1]);
      at = 2;
    }
    List<String> all = new ArrayList<>(List.of(args));
    if (command.getCommandSpec().findOption("--server") != null) {
      all.add(at, "--server=" + market.uri());
      if (token != null) {
        all.add(at, "--token=" + token);
      }
    } else if (token != null) {
      throw new IllegalArgumentException(args[0] + " takes no token");
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        commandLine
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    return new Run(exitCode, out.toString(), err.toString());
  }

  /** Parses what a command printed as JSON; a test fails with the text when it is not JSON. */
  public static JsonNode json(String text) {
    try {
      return SpecDocuments.mapper().readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /**
   * {@code learnware upload LEARNWARE --quiet} with the digits fixture's spec, model and feature
   * extractor, and {@code options}.
   */
  public static Run uploadDigits(
      MarketFixture market, String token, String learnware, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "upload",
                learnware,
                "--quiet",
                "--spec",
                Fixtures.path(Fixtures.DIGITS_SPEC).toString(),
                "--model",
                Fixtures.path(Fixtures.DIGITS_MODEL).toString(),
                "--file",
                Fixtures.path(Fixtures.DIGITS_FEATURES).toString()));
    args.addAll(List.of(options));
    return run(market, token, args.toArray(String[]::new));
  }
}
