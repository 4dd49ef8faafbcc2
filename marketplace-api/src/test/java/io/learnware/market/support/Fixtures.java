package io.learnware.market.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed model fixtures under {@code fixtures/} (see fixtures/README.md for how they were
 * made).
 */
public final class Fixtures {

  private static final Path ROOT = locate();

  private Fixtures() {}

  public static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  public static String text(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("fixtures/digits-mlp"))) {
        return dir.resolve("fixtures");
      }
    }
    throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
  }
}
