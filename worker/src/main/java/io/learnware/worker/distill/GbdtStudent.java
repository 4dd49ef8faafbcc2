package io.learnware.worker.distill;

import ai.djl.MalformedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A boosted-trees student (XGBoost): one squared-error regression ensemble per class, fitted to the
 * teacher's logits with each row's mean subtracted.
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
 * vector of logits per row.
 */
public final class GbdtStudent implements Student {

  /** The artifact's file name in the output directory. */
  static final String FILE_NAME = "student.ubj";

  /** Dropout rate per boosting round for DART: the fraction of earlier trees left out. */
  static final double DART_RATE_DROP = 0.1;

  /** XGBoost's own default shrinkage, used when the job sets no learning rate. */
  static final double DEFAULT_ETA = 0.3;

  private final Booster booster;
  private final int classes;

  private GbdtStudent(Booster booster, int classes) {
    this.booster = booster;
    this.classes = classes;
  }

  /**
   * Loads a model {@link #train} saved.
   *
   * @throws MalformedModelException if XGBoost cannot read the file or it predicts a number of
   *     outputs other than {@code classes}
   */
  public static GbdtStudent load(Path file, int classes)
      throws IOException, MalformedModelException {
    Booster booster;
    try {
      booster = XGBoost.loadModel(Files.readAllBytes(file));
    } catch (XGBoostError e) {
      throw new MalformedModelException(file + " is not an XGBoost model: " + e.getMessage(), e);
    }
    GbdtStudent student = new GbdtStudent(booster, classes);
    try {
      int features = Math.toIntExact(booster.getNumFeature());
      int outputs = booster.inplace_predict(new float[features], 1, features, Float.NaN)[0].length;
      if (outputs != classes) {
        throw new MalformedModelException(
            "%s predicts %d values per row, expected %d classes".formatted(file, outputs, classes));
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
    DMatrix trainMatrix = matrix(train);
    DMatrix heldOutMatrix = matrix(heldOut);
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

  /** The rows with their zero-meaned teacher logits as a {@code rows × classes} label matrix. */
  private static DMatrix matrix(TransferSet rows) throws XGBoostError {
    int k = rows.classes();
    float[] targets = new float[rows.rows() * k];
    for (int row = 0; row < rows.rows(); row++) {
      double mean = 0;
      for (int c = 0; c < k; c++) {
        mean += rows.teacherLogits()[row * k + c];
      }
      mean /= k;
      for (int c = 0; c < k; c++) {
        targets[row * k + c] = (float) (rows.teacherLogits()[row * k + c] - mean);
      }
    }
    DMatrix matrix = new DMatrix(rows.inputs(), rows.rows(), rows.inputDimension(), Float.NaN);
    // rows·classes label values make XGBoost fit one target per class.
    matrix.setLabel(targets);
    return matrix;
  }

  @Override
  public float[] logits(float[] inputs, int rows) {
    float[][] predicted;
    try {
      predicted = booster.inplace_predict(inputs, rows, inputs.length / rows, Float.NaN);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost prediction failed: " + e.getMessage(), e);
    }
    float[] out = new float[rows * classes];
    for (int row = 0; row < rows; row++) {
      System.arraycopy(predicted[row], 0, out, row * classes, classes);
    }
    return out;
  }

  /** Tree nodes: a split (feature and threshold) or a leaf value each. */
  @Override
  public long parameterCount() {
    try {
      long nodes = 0;
      for (String tree : booster.getModelDump("", false)) {
        nodes += tree.lines().filter(line -> !line.isBlank()).count();
      }
      return nodes;
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost model dump failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    booster.dispose();
  }
}
