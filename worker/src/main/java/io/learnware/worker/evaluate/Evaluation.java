package io.learnware.worker.evaluate;

import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.evaluate.EvaluationReport.Averages;
import io.learnware.worker.evaluate.EvaluationReport.ClassMetrics;
import io.learnware.worker.evaluate.EvaluationReport.Classification;
import io.learnware.worker.evaluate.EvaluationReport.Data;
import io.learnware.worker.evaluate.EvaluationReport.Quantile;
import io.learnware.worker.evaluate.EvaluationReport.Regression;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.robustness.Calibration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How good a model is on labelled data: for a classifier accuracy, per-class precision, recall and
 * F1, the confusion matrix and the expected calibration error with its reliability bins ({@link
 * Calibration}); for a single-output regressor MAE, RMSE, R² and quantiles of the residuals.
 *
 * <pre>{@code
 * EvaluationReport report =
 *     Evaluation.builder()
 *         .setModel(model::predict)
 *         .setData(features, labels)        // int[] class indices: a classifier
 *         .optLabels(spec.output().labels())
 *         .optBins(15)
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>{@code setData(features, double[] targets)} evaluates a regressor instead. The model is run in
 * chunks of {@link #CHUNK_ROWS} rows, each followed by a call to the listener, which may throw to
 * stop (e.g. on cancellation).
 */
public final class Evaluation {

  public static final int DEFAULT_BINS = 15;
  public static final int MAX_BINS = 1000;
  public static final List<Double> DEFAULT_QUANTILES = List.of(0.05, 0.25, 0.5, 0.75, 0.95);
  public static final int MAX_QUANTILES = 99;

  /** Classes beyond which the report leaves the confusion matrix out (it grows as K²). */
  public static final int MAX_CONFUSION_CLASSES = 100;

  /** Rows per call of the model, between listener calls. */
  static final int CHUNK_ROWS = 1024;

  /** The model: one output vector per input row (logits for a classifier). */
  @FunctionalInterface
  public interface Model {
    float[][] predict(Matrix inputs) throws ModelException;
  }

  /** Hears how many rows the model has run; throwing from it stops the evaluation. */
  @FunctionalInterface
  public interface Listener {
    void rowsDone(int done, int total);
  }

  private final Model model;
  private final Matrix features;
  private final int[] labels;
  private final double[] targets;
  private final List<String> classNames;
  private final int classes;
  private final int bins;
  private final List<Double> quantiles;
  private final Listener listener;

  private Evaluation(Builder b) {
    this.model = b.model;
    this.features = b.features;
    this.labels = b.labels;
    this.targets = b.targets;
    this.classNames = b.labelNames;
    this.classes = b.classes;
    this.bins = b.bins;
    this.quantiles = b.quantiles;
    this.listener = b.listener;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the model on every row and measures it.
   *
   * @throws ModelException when the model fails, returns outputs of the wrong width for the task
   *     (classes, or one value for a regressor), or a non-finite output
   */
  public EvaluationReport run() throws ModelException {
    float[][] outputs = predict();
    Data data = Data.rows(features.rows());
    if (labels != null) {
      int k = classes > 0 ? classes : outputs[0].length;
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= k) {
          throw new IllegalArgumentException(
              "row %d has class %d; the model has %d outputs".formatted(i + 1, labels[i], k));
        }
      }
      List<String> names = classNames;
      if (names == null || names.size() != k) {
        names = IntStream.range(0, k).mapToObj(Integer::toString).toList();
      }
      return EvaluationReport.of(data, classification(outputs, labels, names, bins));
    }
    return EvaluationReport.of(data, regression(outputs, targets, quantiles));
  }

  private float[][] predict() throws ModelException {
    int n = features.rows();
    int d = features.columns();
    float[][] outputs = new float[n][];
    for (int start = 0; start < n; start += CHUNK_ROWS) {
      int end = Math.min(n, start + CHUNK_ROWS);
      Matrix chunk =
          start == 0 && end == n
              ? features
              : new Matrix(end - start, d, Arrays.copyOfRange(features.data(), start * d, end * d));
      float[][] part = model.predict(chunk);
      if (part.length != end - start) {
        throw new ModelException(
            "the model returned %d outputs for %d rows".formatted(part.length, end - start));
      }
      System.arraycopy(part, 0, outputs, start, part.length);
      listener.rowsDone(end, n);
    }
    int width = labels != null ? (classes > 0 ? classes : outputs[0].length) : 1;
    for (int i = 0; i < n; i++) {
      if (outputs[i].length != width) {
        throw new ModelException(
            labels != null
                ? "the model returns %d outputs per row; its specification declares %d classes"
                    .formatted(outputs[i].length, width)
                : "the model returns %d outputs per row; a regressor is evaluated on one"
                    .formatted(outputs[i].length));
      }
      for (float v : outputs[i]) {
        if (!Float.isFinite(v)) {
          throw new ModelException(
              "the model returned %s for data row %d (is a value missing in that row?)"
                  .formatted(v, i + 1));
        }
      }
    }
    return outputs;
  }

  /**
   * A classifier's figures from its outputs (logits) and the rows' class indices.
   *
   * @param names the class names; their number is the number of classes
   */
  static Classification classification(
      float[][] outputs, int[] labels, List<String> names, int bins) {
    int k = names.size();
    int n = labels.length;
    int[][] confusion = new int[k][k];
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int predicted = argmax(outputs[i]);
      confusion[labels[i]][predicted]++;
      if (predicted == labels[i]) {
        correct++;
      }
    }
    List<ClassMetrics> perClass = new ArrayList<>(k);
    double precisions = 0;
    double recalls = 0;
    double f1s = 0;
    int present = 0;
    for (int c = 0; c < k; c++) {
      int support = 0;
      int predicted = 0;
      for (int j = 0; j < k; j++) {
        support += confusion[c][j];
        predicted += confusion[j][c];
      }
      int hits = confusion[c][c];
      Double precision = predicted > 0 ? (double) hits / predicted : null;
      Double recall = support > 0 ? (double) hits / support : null;
      Double f1 =
          precision == null || recall == null
              ? null
              : precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
      perClass.add(new ClassMetrics(names.get(c), support, predicted, precision, recall, f1));
      if (support > 0) {
        present++;
        precisions += precision == null ? 0 : precision;
        recalls += recall;
        f1s += f1 == null ? 0 : f1;
      }
    }
    List<Calibration.Bin> reliability =
        Calibration.reliability(Calibration.softmax(outputs), labels, bins);
    return new Classification(
        (double) correct / n,
        names,
        perClass,
        new Averages(precisions / present, recalls / present, f1s / present),
        k > MAX_CONFUSION_CLASSES
            ? null
            : Arrays.stream(confusion).map(row -> Arrays.stream(row).boxed().toList()).toList(),
        bins,
        Calibration.expectedCalibrationError(reliability, n),
        reliability);
  }

  /** A single-output regressor's figures from its outputs and the rows' targets. */
  static Regression regression(float[][] outputs, double[] targets, List<Double> quantiles) {
    RegressionMetrics metrics = RegressionMetrics.of(outputs, targets);
    int n = targets.length;
    double[] residuals = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double r = targets[i] - (double) outputs[i][0];
      residuals[i] = r;
      sum += r;
    }
    double[] sorted = residuals.clone();
    Arrays.sort(sorted);
    List<Quantile> q = quantiles.stream().map(p -> new Quantile(p, quantile(sorted, p))).toList();
    return new Regression(metrics.mae(), metrics.rmse(), metrics.r2(), sum / n, q);
  }

  /**
   * The {@code q}-quantile of sorted values, interpolating linearly between order statistics
   * (Hyndman and Fan's type 7; numpy's and R's default): h = (n − 1)q, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1]
   * − x[⌊h⌋]).
   */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int low = (int) Math.floor(h);
    if (low >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    return sorted[low] + (h - low) * (sorted[low + 1] - sorted[low]);
  }

  /** The index of the largest value, the first on ties. */
  static int argmax(float[] row) {
    int best = 0;
    for (int j = 1; j < row.length; j++) {
      if (row[j] > row[best]) {
        best = j;
      }
    }
    return best;
  }

  /** Required: {@link #setModel} and one of the {@code setData}; the rest have defaults. */
  public static final class Builder {

    private Model model;
    private Matrix features;
    private int[] labels;
    private double[] targets;
    private List<String> labelNames;
    private int classes;
    private int bins = DEFAULT_BINS;
    private List<Double> quantiles = DEFAULT_QUANTILES;
    private Listener listener = (done, total) -> {};

    private Builder() {}

    /** The model to evaluate, e.g. {@code loadedModel::predict}. */
    public Builder setModel(Model model) {
      this.model = model;
      return this;
    }

    /** Rows and their class indices 0..K−1: evaluates a classifier. */
    public Builder setData(Matrix features, int[] labels) {
      this.features = features;
      this.labels = labels;
      this.targets = null;
      return this;
    }

    /** Rows and their numeric targets: evaluates a single-output regressor. */
    public Builder setData(Matrix features, double[] targets) {
      this.features = features;
      this.targets = targets;
      this.labels = null;
      return this;
    }

    /** Classifiers: the class names (default: the indices); their number is the classes'. */
    public Builder optLabels(List<String> labels) {
      this.labelNames = labels == null ? null : List.copyOf(labels);
      return this;
    }

    /**
     * Classifiers: the number of classes, when no names are given (default: the model's output
     * width).
     */
    public Builder optClasses(int classes) {
      this.classes = classes;
      return this;
    }

    /**
     * Classifiers: equal-width confidence bins of the ECE, 1..{@value #MAX_BINS} (default 15).
     *
     * @throws IllegalArgumentException when out of range
     */
    public Builder optBins(int bins) {
      if (bins < 1 || bins > MAX_BINS) {
        throw new IllegalArgumentException("bins must be 1..%d, got %d".formatted(MAX_BINS, bins));
      }
      this.bins = bins;
      return this;
    }

    /**
     * Regressors: which quantiles of the residuals to report (default 0.05, 0.25, 0.5, 0.75, 0.95),
     * at most {@value #MAX_QUANTILES}, each in [0, 1].
     *
     * @throws IllegalArgumentException when out of range
     */
    public Builder optQuantiles(List<Double> quantiles) {
      if (quantiles.size() > MAX_QUANTILES) {
        throw new IllegalArgumentException(
            "at most %d quantiles, got %d".formatted(MAX_QUANTILES, quantiles.size()));
      }
      for (double q : quantiles) {
        if (!(q >= 0 && q <= 1)) {
          throw new IllegalArgumentException("quantiles must be in [0, 1], got " + q);
        }
      }
      this.quantiles = List.copyOf(quantiles);
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * @throws IllegalArgumentException when the data have no rows, a number of labels or targets
     *     other than their rows, or a class out of range
     * @throws IllegalStateException when the model or the data are missing
     */
    public Evaluation build() {
      if (model == null || features == null) {
        throw new IllegalStateException("setModel and setData are required");
      }
      int n = labels != null ? labels.length : targets.length;
      if (features.rows() == 0) {
        throw new IllegalArgumentException("the data have no rows");
      }
      if (n != features.rows()) {
        throw new IllegalArgumentException(
            "%d rows but %d %s"
                .formatted(features.rows(), n, labels != null ? "labels" : "targets"));
      }
      if (labelNames != null) {
        classes = labelNames.size();
      }
      if (labels != null && classes > 0) {
        for (int i = 0; i < labels.length; i++) {
          if (labels[i] < 0 || labels[i] >= classes) {
            throw new IllegalArgumentException(
                "row %d has class %d; there are %d classes".formatted(i + 1, labels[i], classes));
          }
        }
      }
      return new Evaluation(this);
    }
  }
}
