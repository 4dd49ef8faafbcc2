package io.learnware.market.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** Forces written files and directories to disk, so that what is reported done survives a crash. */
public final class Fsync {

  private Fsync() {}

  /** Every file and directory under {@code root}, files first, {@code root} itself last. */
  public static void tree(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList().reversed();
    }
    for (Path path : paths) {
      force(path);
    }
  }

  /** One file or directory (Linux opens directories for reading, and syncs their entries). */
  public static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
