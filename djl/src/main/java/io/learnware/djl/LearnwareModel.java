package io.learnware.djl;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.learnware.spec.DataType;
import io.learnware.spec.InputSpec;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A stored classifier learnware loaded with DJL from its {@code learnware://} URL, with its
 * specification: it answers class probabilities (the softmax of the model's logits) for rows on the
 * model's input scale, and offers its RKME for {@link io.learnware.spec.reuse.JobSelector}.
 *
 * <pre>{@code
 * try (LearnwareModel low = LearnwareModel.load("learnware://localhost:8080/demo/digits-low");
 *     LearnwareModel high = LearnwareModel.load("learnware://localhost:8080/demo/digits-high")) {
 *   ProbabilisticClassifier both = Reuse.selector(List.of(low, high));
 *   int[] predicted = both.predict(myRows);
 * }
 * }</pre>
 */
public final class LearnwareModel implements ProbabilisticClassifier, AutoCloseable {

  private final String url;
  private final LearnwareSpec spec;
  private final ZooModel<Batch, double[][]> model;

  private LearnwareModel(String url, LearnwareSpec spec, ZooModel<Batch, double[][]> model) {
    this.url = url;
    this.spec = spec;
    this.model = model;
  }

  /**
   * Downloads (checksum-verified, cached) and loads a learnware; DJL picks the engine by the model
   * file (TorchScript: PyTorch, ONNX: OnnxRuntime), which must be on the class path.
   *
   * @param url {@code learnware://host[:port]/owner/name[@ref]}
   */
  public static LearnwareModel load(String url) throws IOException {
    ZooModel<Batch, double[][]> model;
    try {
      model =
          Criteria.builder()
              .setTypes(Batch.class, double[][].class)
              .optModelUrls(url)
              .optTranslator(new ProbabilityTranslator())
              .build()
              .loadModel();
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IOException(url + ": " + e.getMessage(), e);
    }
    try {
      Path specFile = model.getModelPath().resolve("spec.json");
      LearnwareSpec spec =
          SpecDocuments.parse(SpecDocuments.mapper().readTree(Files.readAllBytes(specFile)));
      return new LearnwareModel(url, spec, model);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The URL it was loaded from. */
  public String url() {
    return url;
  }

  public LearnwareSpec spec() {
    return spec;
  }

  /** The RKME of its training data, when its specification publishes one. */
  public Optional<Rkme> rkme() {
    return Optional.ofNullable(spec.statistical()).map(Rkme::fromSpec);
  }

  /** The DJL model, e.g. for predictors with other translators. */
  public ai.djl.Model model() {
    return model;
  }

  @Override
  public double[][] probabilities(Matrix rows) throws TranslateException {
    try (Predictor<Batch, double[][]> predictor = model.newPredictor()) {
      return predictor.predict(shaped(rows));
    }
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return url;
  }

  /** Rows with the tensor shape the model takes: images as N×C×H×W. */
  private Batch shaped(Matrix rows) {
    InputSpec input = spec.input();
    int expected =
        spec.dataType() == DataType.IMAGE
            ? input.channels() * input.height() * input.width()
            : input.dimension();
    if (rows.columns() != expected) {
      throw new IllegalArgumentException(
          "%s takes %d inputs per row, got %d".formatted(url, expected, rows.columns()));
    }
    Shape shape =
        spec.dataType() == DataType.IMAGE
            ? new Shape(rows.rows(), input.channels(), input.height(), input.width())
            : new Shape(rows.rows(), rows.columns());
    return new Batch(rows, shape);
  }

  /** Rows and the shape of the tensor they become. */
  record Batch(Matrix rows, Shape shape) {}

  /** Rows to a float tensor of the batch's shape, logits to softmax probabilities. */
  private static final class ProbabilityTranslator
      implements NoBatchifyTranslator<Batch, double[][]> {
    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
      double[] values = batch.rows().data();
      float[] data = new float[values.length];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) values[i];
      }
      return new NDList(ctx.getNDManager().create(data, batch.shape()));
    }

    @Override
    public double[][] processOutput(TranslatorContext ctx, NDList list) {
      // Softmax here rather than on the NDArray: not every engine (ONNX Runtime) implements it.
      NDArray logits = list.singletonOrThrow();
      int rows = (int) logits.getShape().get(0);
      int classes = (int) logits.getShape().get(1);
      float[] flat = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
      double[][] out = new double[rows][classes];
      for (int r = 0; r < rows; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, flat[r * classes + c]);
        }
        double total = 0;
        for (int c = 0; c < classes; c++) {
          out[r][c] = Math.exp(flat[r * classes + c] - max);
          total += out[r][c];
        }
        for (int c = 0; c < classes; c++) {
          out[r][c] /= total;
        }
      }
      return out;
    }
  }
}
