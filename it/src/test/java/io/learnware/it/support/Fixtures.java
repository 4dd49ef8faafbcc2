package io.learnware.it.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The committed model fixtures under {@code fixtures/} (see fixtures/README.md for how they were
 * made).
 */
public final class Fixtures {

  public static final String DIGITS_SPEC = "digits-mlp/spec.json";
  public static final String DIGITS_MODEL = "digits-mlp/model.pt";
  public static final String DIGITS_FEATURES = "digits-mlp/features.pt";

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

  /** Parses a JSON object, e.g. a fixture spec to vary. */
  public static ObjectNode json(String text) {
    try {
      return (ObjectNode) SpecDocuments.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The SHA-256 of these bytes in the market's notation (64 lowercase hex digits). */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
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
