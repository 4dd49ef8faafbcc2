package io.learnware.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** One-line descriptions of local file failures. */
final class Describe {

  private Describe() {}

  /**
   * Why a file could not be used, without repeating its name: file system exceptions carry the path
   * as their message.
   */
  static String io(IOException e) {
    return switch (e) {
      case NoSuchFileException f -> "no such file";
      case AccessDeniedException f -> "permission denied";
      case FileSystemException f when f.getReason() != null -> f.getReason();
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
