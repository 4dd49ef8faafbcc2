package io.learnware.cli;

/** Ends a command with a one-line message and a chosen exit code (see {@link ExitCodes}). */
final class CliFailure extends Exception {

  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
