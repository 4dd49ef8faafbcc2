package io.learnware.market.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removes what a failed command wrote, so that nothing half-done is left looking done. */
final class Trees {

  private Trees() {}

  /** Deletes {@code root} and everything under it; an absent one is fine. */
  static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      Files.deleteIfExists(path);
    }
  }

  /** Cleans up after {@code failure}, to which a failure to clean up is added. */
  static void deleteQuietly(Path root, Exception failure) {
    try {
      delete(root);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** Deletes everything under {@code directory}, keeping the directory. */
  static void deleteContents(Path directory) throws IOException {
    List<Path> entries;
    try (Stream<Path> list = Files.list(directory)) {
      entries = list.toList();
    }
    for (Path entry : entries) {
      delete(entry);
    }
  }
}
