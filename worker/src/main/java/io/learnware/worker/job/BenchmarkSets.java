package io.learnware.worker.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Labelled evaluation sets bundled with the worker (the repository's real data,
 * fixtures/README.md), for jobs that name one instead of uploading a data set. Each is written to
 * the job's scratch directory in a format {@link Datasets} reads, so it gets the same checks as an
 * uploaded set.
 */
public final class BenchmarkSets {

  /** The bundled sets: name, then what it holds and which input space it fits. */
  public static final Map<String, String> AVAILABLE =
      new TreeMap<>(
          Map.of(
              "digits-test",
              "the 360 test rows (1437..1796) of scikit-learn's digits: tables of 64 pixels"
                  + " scaled to 0..1, labels 0..9",
              "fashion-mnist-test",
              "Fashion-MNIST's 10,000 test images: 1×28×28, labels 0..9"));

  /** A set's files: a CSV with a label column, or IDX images with IDX labels. */
  public record SetFiles(Path data, Optional<Path> labels) {}

  private static final String ROOT = "/benchmarks/";

  private BenchmarkSets() {}

  /**
   * Writes the set {@code name} into {@code dir}.
   *
   * @throws JobFailure when no set has that name
   */
  public static SetFiles write(String name, Path dir) throws JobFailure, IOException {
    return switch (name) {
      case "digits-test" ->
          new SetFiles(
              copy("digits-test.csv.gz", dir.resolve("digits-test.csv.gz")), Optional.empty());
      case "fashion-mnist-test" ->
          new SetFiles(
              copy("fashion-mnist/t10k-images-idx3-ubyte.gz", dir.resolve("images.gz")),
              Optional.of(
                  copy("fashion-mnist/t10k-labels-idx1-ubyte.gz", dir.resolve("labels.gz"))));
      default ->
          throw new JobFailure(
              "there is no bundled benchmark set \"%s\"; there are %s"
                  .formatted(name, String.join(", ", AVAILABLE.keySet())));
    };
  }

  private static Path copy(String resource, Path target) throws IOException {
    try (InputStream in = resource(resource)) {
      Files.copy(in, target);
    }
    return target;
  }

  private static InputStream resource(String name) {
    InputStream in = BenchmarkSets.class.getResourceAsStream(ROOT + name);
    if (in == null) {
      throw new UncheckedIOException(
          new IOException("the worker was built without its benchmark sets (" + name + ")"));
    }
    return in;
  }
}
