package io.learnware.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed model fixtures under {@code fixtures/} (see fixtures/README.md for how they were
 * made), found from the working directory up.
 */
public final class Fixtures {

  /** The digits MLP's spec, model and feature extractor (its spec names {@code features.pt}). */
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

  private static Path locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("fixtures/digits-mlp"))) {
        return dir.resolve("fixtures");
      }
    }
    throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
  }
}
