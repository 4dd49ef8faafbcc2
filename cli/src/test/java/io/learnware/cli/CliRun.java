package io.learnware.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line in-process, through picocli, with its output captured. */
record CliRun(int exitCode, String out, String err) {

  static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        LearnwareCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }
}
