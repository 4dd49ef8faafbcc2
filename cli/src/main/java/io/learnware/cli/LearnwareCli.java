package io.learnware.cli;

import io.learnware.client.BadResponseException;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.Problem;
import io.learnware.spec.data.DataFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * {@code learnware}: the market's command line. Exit codes are in {@link ExitCodes} and at the end
 * of every command's {@code --help}.
 */
@Command(
    name = "learnware",
    // --help and --version on every subcommand too.
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "learnware 0.1",
    description = "Work with learnware specifications and the Learnware Market.",
    subcommands = {
      SpecCommand.class,
      UploadCommand.class,
      SearchCommand.class,
      PullCommand.class,
      ShowCommand.class,
      DatasetCommand.class,
      DistillCommand.class,
      TransferCommand.class,
      EvaluateCommand.class,
      RobustnessCommand.class,
      ReuseCommand.class,
      JobsCommand.class,
      WhoamiCommand.class,
      OrgCommand.class,
      VisibilityCommand.class,
      TokenCommand.class,
      AuditCommand.class
    })
public final class LearnwareCli {

  public static void main(String... args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line: what {@code main} runs, and what tests run in-process (with {@code
   * setOut}/{@code setErr} to capture the output).
   */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new LearnwareCli());
    commandLine.setExecutionExceptionHandler(LearnwareCli::failed);
    listExitCodes(commandLine);
    return commandLine;
  }

  private static void listExitCodes(CommandLine commandLine) {
    commandLine
        .getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCodes.DESCRIPTIONS);
    commandLine.getSubcommands().values().forEach(LearnwareCli::listExitCodes);
  }

  /** Turns a command's failure into one line on standard error (two or more for violations). */
  private static int failed(Exception e, CommandLine commandLine, ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    int code =
        switch (e) {
          case CliFailure f -> {
            err.println("error: " + f.getMessage());
            yield f.exitCode();
          }
          case DataFormatException f -> {
            err.println("error: " + f.getMessage());
            yield ExitCodes.INVALID_INPUT;
          }
          case LearnwareApiException f -> {
            err.println("error: " + f.getMessage());
            for (Problem.Violation violation : f.problem().violations()) {
              err.println("  " + violation.pointer() + ": " + violation.message());
            }
            yield f.clientError() ? ExitCodes.INVALID_INPUT : ExitCodes.SERVER_FAILURE;
          }
          case BadResponseException f -> {
            err.println("error: " + f.getMessage());
            yield ExitCodes.SERVER_FAILURE;
          }
          case IOException f -> {
            err.println("error: " + f.getMessage());
            yield ExitCodes.IO_FAILURE;
          }
          default -> {
            err.println("error: internal error (a bug in learnware; please report it):");
            e.printStackTrace(err);
            yield ExitCodes.INTERNAL_ERROR;
          }
        };
    err.flush();
    return code;
  }
}
