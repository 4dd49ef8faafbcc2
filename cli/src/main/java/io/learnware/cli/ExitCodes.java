package io.learnware.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the command line's exit status means. Scripts rely on these: 1 asks the user to fix the
 * input, 2 the command line, 3 is worth retrying later, 4 is the server's (or the transfer's)
 * fault, 5 says that a job ran and failed (its error is printed).
 */
final class ExitCodes {

  static final int OK = 0;
  static final int INVALID_INPUT = 1;
  static final int USAGE = 2;
  static final int IO_FAILURE = 3;
  static final int SERVER_FAILURE = 4;
  static final int JOB_FAILED = 5;
  static final int INTERNAL_ERROR = 70;

  /** The list every command's {@code --help} ends with. */
  static final Map<String, String> DESCRIPTIONS = descriptions();

  private ExitCodes() {}

  private static Map<String, String> descriptions() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(OK + "", "success");
    codes.put(
        INVALID_INPUT + "",
        "invalid input: a missing or malformed file, or a request the server refused (HTTP 4xx)");
    codes.put(USAGE + "", "usage error: unknown option, missing or malformed argument");
    codes.put(
        IO_FAILURE + "",
        "network or I/O failure: the server could not be reached, the connection broke, or a"
            + " file could not be written");
    codes.put(
        SERVER_FAILURE + "",
        "server failure (HTTP 5xx), an answer that is not what the API promises, or a download"
            + " whose SHA-256 does not match");
    codes.put(JOB_FAILED + "", "the job that was followed failed or was cancelled");
    codes.put(INTERNAL_ERROR + "", "a bug in this program (the stack trace is printed)");
    return codes;
  }
}
