package io.learnware.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that readers (and a crash mid-write) see either the old file or the complete new
 * one, never a part: the content goes to a temporary file in the target's directory, which is then
 * renamed over the target.
 */
public final class AtomicFiles {

  /** Produces a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  public static void write(Path target, Content content) throws IOException {
    Path temporary = temporaryFor(target);
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        content.writeTo(out);
      }
      replace(temporary, target);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /** A new empty file next to {@code target}, hidden, for content that will replace it. */
  static Path temporaryFor(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    return Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
  }

  /** Renames {@code source} over {@code target}, atomically where the file system can. */
  static void replace(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
