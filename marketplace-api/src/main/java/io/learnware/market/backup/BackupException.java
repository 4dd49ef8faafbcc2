package io.learnware.market.backup;

/** A failure the command reports by its message alone: what went wrong and what to do. */
final class BackupException extends RuntimeException {

  BackupException(String message) {
    super(message);
  }

  BackupException(String message, Throwable cause) {
    super(message, cause);
  }
}
