package io.learnware.worker.distill;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import io.learnware.spec.ModelFormat;
import io.learnware.worker.model.Backbone;
import io.learnware.worker.model.CapabilityException;
import io.learnware.worker.model.Differentiable;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelLoader;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.network.StudentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A boosted-trees student (XGBoost): one squared-error regression ensemble per class, fitted to the
 * teacher's logits with each row's mean subtracted; for a regression teacher, one per output,
 * fitted to its outputs as they are (squared error, the regressor's own loss).
 *
 * <p>Why logits and not soft probabilities: in the high-temperature limit distillation amounts to
 * matching zero-meaned logits with squared error (Hinton et al. 2015, section 2.1), and logits keep
 * the relative sizes of the small probabilities (the "dark knowledge") that regression on
 * probabilities squashes towards 0. The temperature does not enter the fit: dividing the targets by
 * T would scale every leaf value by 1/T and change nothing else (squared error has a constant
 * hessian), so the trees are fitted to the logits themselves and output logits on the teacher's
 * scale, like the MLP student. The labels, and so α, are not used to fit trees.
 *
 * <p>All classes live in one XGBoost multi-target model (a tree per class per boosting round), so
 * the artifact is a single UBJSON model file that any XGBoost ≥ 2.0 loads and that predicts a
 * vector of logits per row. Trees run on the CPU and have neither gradients nor a feature layer.
 */
public final class GbdtStudent implements RunnableModel {

  /** The artifact's file name in the output directory. */
  static final String FILE_NAME = "student.ubj";

  /** Dropout rate per boosting round for DART: the fraction of earlier trees left out. */
  static final double DART_RATE_DROP = 0.1;

  /** XGBoost's own default shrinkage, used when the job sets no learning rate. */
  static final double DEFAULT_ETA = 0.3;

  private final Booster booster;
  private final InputShape input;
  private final int classes;

  private GbdtStudent(Booster booster, InputShape input, int classes) {
    this.booster = booster;
    this.input = input;
    this.classes = classes;
  }

  /** Loads the market's boosted trees ({@code xgboost}, type {@code gbdt}). */
  public static final class Loader implements ModelLoader {
    @Override
    public ModelFormat format() {
      return ModelFormat.XGBOOST;
    }

    @Override
    public Set<String> architectures() {
      return Set.of(StudentSpec.Gbdt.TYPE);
    }

    @Override
    public Device device(Device requested) {
      return Device.cpu();
    }

    @Override
    public RunnableModel load(ModelSource source) throws ModelException {
      try {
        return GbdtStudent.load(
            source.artifact(), source.inputShape(), source.requireOutputDimension());
      } catch (IOException | MalformedModelException e) {
        throw new ModelException(e.getMessage(), e);
      }
    }
  }

  /**
   * Loads a model {@link #train} saved.
   *
   * @throws MalformedModelException if XGBoost cannot read the file, it takes another number of
   *     features than {@code input} holds or predicts a number of outputs other than {@code
   *     classes}
   */
  public static GbdtStudent load(Path file, InputShape input, int classes)
      throws IOException, MalformedModelException {
    Booster booster;
    try {
      booster = XGBoost.loadModel(Files.readAllBytes(file));
    } catch (XGBoostError e) {
      throw new MalformedModelException(file + " is not an XGBoost model: " + e.getMessage(), e);
    }
    GbdtStudent student = new GbdtStudent(booster, input, classes);
    try {
      int features = Math.toIntExact(booster.getNumFeature());
      if (features != input.size()) {
        throw new MalformedModelException(
            "%s takes %d features; the input has %d".formatted(file, features, input.size()));
      }
      int outputs = booster.inplace_predict(new float[features], 1, features, Float.NaN)[0].length;
      if (outputs != classes) {
        throw new MalformedModelException(
            "%s predicts %d values per row, expected %d".formatted(file, outputs, classes));
      }
      return student;
    } catch (XGBoostError | MalformedModelException | RuntimeException e) {
      student.close();
      throw e instanceof MalformedModelException m
          ? m
          : new MalformedModelException(file + " does not predict: " + e.getMessage(), e);
    }
  }

  /**
   * Boosts {@code spec.trees()} rounds on {@code train} and saves the model as {@code
   * outputDir/student.ubj}.
   *
   * @return the artifact and, per round, the mean squared error of the fitted logits on the
   *     training and held-out rows
   */
  static TrainedArtifact train(
      TransferSet train,
      TransferSet heldOut,
      StudentSpec.Gbdt spec,
      Hyperparameters hp,
      Path outputDir,
      Distillation.Listener listener)
      throws IOException, XGBoostError {
    List<DistillationReport.Epoch> history = new ArrayList<>();
    DMatrix trainMatrix = matrix(train, hp.regression());
    DMatrix heldOutMatrix = matrix(heldOut, hp.regression());
    try {
      Booster booster = XGBoost.train(trainMatrix, params(spec, hp), 0, Map.of(), null, null);
      try {
        DMatrix[] evaluated = {trainMatrix, heldOutMatrix};
        String[] names = {"train", "heldout"};
        float[] rmse = new float[2];
        for (int round = 0; round < spec.trees(); round++) {
          booster.update(trainMatrix, round);
          booster.evalSet(evaluated, names, round, rmse);
          history.add(
              new DistillationReport.Epoch(
                  round + 1, (double) rmse[0] * rmse[0], (double) rmse[1] * rmse[1]));
          listener.batchDone(round + 1, spec.trees(), 1, 1);
        }
        Path artifact = outputDir.resolve(FILE_NAME);
        Files.write(artifact, booster.toByteArray("ubj"));
        return new TrainedArtifact(artifact, history);
      } finally {
        booster.dispose();
      }
    } finally {
      trainMatrix.dispose();
      heldOutMatrix.dispose();
    }
  }

  private static Map<String, Object> params(StudentSpec.Gbdt spec, Hyperparameters hp) {
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "reg:squarederror");
    params.put("eval_metric", "rmse");
    params.put("tree_method", "hist");
    params.put("max_depth", spec.maxDepth());
    params.put("eta", hp.learningRate());
    params.put("seed", Long.hashCode(hp.seed()));
    params.put("verbosity", 0);
    if (spec.dart()) {
      params.put("booster", "dart");
      params.put("rate_drop", DART_RATE_DROP);
    }
    return params;
  }

  /**
   * The rows with the teacher's outputs as a {@code rows × outputs} label matrix: a classifier's
   * logits zero-meaned per row (softmax ignores the mean), a regressor's outputs as they are.
   */
  private static DMatrix matrix(TransferSet rows, boolean regression) throws XGBoostError {
    int k = rows.outputs();
    float[] targets = regression ? rows.teacherOutputs() : new float[rows.rows() * k];
    for (int row = 0; row < rows.rows() && !regression; row++) {
      double mean = 0;
      for (int c = 0; c < k; c++) {
        mean += rows.teacherOutputs()[row * k + c];
      }
      mean /= k;
      for (int c = 0; c < k; c++) {
        targets[row * k + c] = (float) (rows.teacherOutputs()[row * k + c] - mean);
      }
    }
    DMatrix matrix = new DMatrix(rows.inputs(), rows.rows(), rows.inputDimension(), Float.NaN);
    // rows·classes label values make XGBoost fit one target per class.
    matrix.setLabel(targets);
    return matrix;
  }

  @Override
  public float[] predict(float[] inputs, int rows) throws ModelException {
    if (rows == 0) {
      return new float[0];
    }
    float[][] predicted;
    try {
      predicted = booster.inplace_predict(inputs, rows, input.size(), Float.NaN);
    } catch (XGBoostError e) {
      throw new ModelException("XGBoost prediction failed: " + e.getMessage(), e);
    }
    float[] out = new float[rows * classes];
    for (int row = 0; row < rows; row++) {
      System.arraycopy(predicted[row], 0, out, row * classes, classes);
    }
    return out;
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.XGBOOST;
  }

  @Override
  public InputShape inputShape() {
    return input;
  }

  @Override
  public Device device() {
    return Device.cpu();
  }

  /** Tree nodes: a split (feature and threshold) or a leaf value each. */
  @Override
  public OptionalLong parameterCount() {
    try {
      long nodes = 0;
      for (String tree : booster.getModelDump("", false)) {
        nodes += tree.lines().filter(line -> !line.isBlank()).count();
      }
      return OptionalLong.of(nodes);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost model dump failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Backbone backbone() throws CapabilityException {
    throw new CapabilityException(
        "boosted trees have no feature layer to keep: their only outputs are the per-class sums of"
            + " leaf values");
  }

  @Override
  public Differentiable differentiable() throws CapabilityException {
    throw new CapabilityException(
        "no gradients through boosted trees: their outputs are piecewise constant in the inputs"
            + " (zero gradient almost everywhere)");
  }

  @Override
  public void close() {
    booster.dispose();
  }
}
