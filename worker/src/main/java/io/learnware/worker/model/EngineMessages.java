package io.learnware.worker.model;

/** Turns libtorch's multi-line errors into the one line a user needs. */
final class EngineMessages {

  private EngineMessages() {}

  /**
   * The line that says what went wrong. TorchScript failures start with interpreter boilerplate and
   * a traceback, and the cause is on the last {@code RuntimeError:} line; other errors say it
   * first.
   */
  static String summary(Throwable error) {
    String message = error.getMessage();
    if (message == null || message.isBlank()) {
      return error.getClass().getSimpleName();
    }
    String cause = null;
    for (String line : message.split("\\R")) {
      String trimmed = line.strip();
      int at = trimmed.indexOf("RuntimeError: ");
      if (at >= 0) {
        cause = trimmed.substring(at + "RuntimeError: ".length());
      }
    }
    if (cause != null) {
      return cause;
    }
    return message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElseThrow();
  }
}
