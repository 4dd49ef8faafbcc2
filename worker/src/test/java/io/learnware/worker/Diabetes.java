package io.learnware.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.DataFormatException;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.model.InputShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The diabetes regression fixtures ({@code fixtures/make_regression_fixtures.py}): 353 training and
 * 89 test rows of 10 standardised inputs with the target in the {@code label} column, the MLP
 * {@code diabetes-mlp} trained on them, and the scikit-learn / PyTorch references.
 */
public final class Diabetes {

  public static final int INPUTS = 10;
  public static final int TRAIN_ROWS = 353;
  public static final int TEST_ROWS = 89;
  public static final InputShape SHAPE = InputShape.table(INPUTS);
  public static final Path TRAIN = Fixtures.path("data/diabetes-train.csv.gz");
  public static final Path TEST = Fixtures.path("data/diabetes-test.csv.gz");
  public static final Path MODEL = Fixtures.path("diabetes-mlp/model.pt");
  public static final Path ONNX = Fixtures.path("diabetes-mlp/model.onnx");
  public static final Path FEATURES = Fixtures.path("diabetes-mlp/features.pt");

  /** Inputs and targets of one file. */
  public record Rows(Matrix x, double[] y) {
    public float[] floats() {
      return x.toFloatArray();
    }

    public int size() {
      return y.length;
    }
  }

  private Diabetes() {}

  public static Rows train() {
    return read(TRAIN);
  }

  public static Rows test() {
    return read(TEST);
  }

  public static LearnwareSpec spec() {
    return Fixtures.spec("diabetes-mlp/spec.json");
  }

  /** {@code expected.json}, with the references under {@code references} and {@code transfer}. */
  public static JsonNode expected() {
    return Fixtures.json("diabetes-mlp/expected.json");
  }

  private static Rows read(Path file) {
    try {
      CsvTables.Table table = CsvTables.read(file, "label", ProgressListener.none());
      double[] y = table.labels().stream().mapToDouble(Double::parseDouble).toArray();
      return new Rows(table.features(), y);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (DataFormatException e) {
      throw new IllegalStateException(e);
    }
  }
}
