package io.learnware.worker.evaluate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.worker.robustness.Calibration;
import java.util.List;

/**
 * What an {@link Evaluation} measured; as JSON ({@link #toJson()}) the {@code evaluate} job's
 * report ({@code spec-schema/…/evaluate-report-v1.schema.json}, docs/evaluate.md). Exactly one of
 * {@code classification} and {@code regression} is set; their members are written at the top level.
 *
 * @param task {@code classification} or {@code regression}
 * @param data what was evaluated
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationReport(
    String task,
    Data data,
    @JsonUnwrapped Classification classification,
    @JsonUnwrapped Regression regression) {

  public static final String CLASSIFICATION = "classification";
  public static final String REGRESSION = "regression";

  public EvaluationReport {
    if ((classification == null) == (regression == null)) {
      throw new IllegalArgumentException("exactly one of classification and regression");
    }
  }

  static EvaluationReport of(Data data, Classification classification) {
    return new EvaluationReport(CLASSIFICATION, data, classification, null);
  }

  static EvaluationReport of(Data data, Regression regression) {
    return new EvaluationReport(REGRESSION, data, null, regression);
  }

  /** The same report for another data description (e.g. with the benchmark's name). */
  public EvaluationReport withData(Data other) {
    return new EvaluationReport(task, other, classification, regression);
  }

  /** The report as the job's JSON report. */
  public JsonNode toJson() {
    return SpecDocuments.mapper().valueToTree(this);
  }

  /**
   * @param rows evaluation rows
   * @param dataset the data set ({@code owner/name}), when the market names it
   * @param benchmark the bundled benchmark set's name, when the job used one
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Data(int rows, String dataset, String benchmark) {

    public static Data rows(int rows) {
      return new Data(rows, null, null);
    }
  }

  /**
   * A classifier's figures. A row's prediction is its largest output (the first on ties).
   *
   * @param accuracy the share of rows predicted right
   * @param labels the classes in the order of {@code perClass} and the confusion matrix
   * @param perClass precision, recall and F1 of each class
   * @param macro their means over the classes that have rows
   * @param confusion {@code confusion[i][j]}: rows of class i predicted as j; {@code null} for more
   *     than {@link Evaluation#MAX_CONFUSION_CLASSES} classes
   * @param bins the number of equal-width confidence bins of the ECE
   * @param ece the expected calibration error of the softmax of the outputs
   * @param reliability the non-empty bins behind the ECE
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Classification(
      double accuracy,
      List<String> labels,
      List<ClassMetrics> perClass,
      Averages macro,
      List<List<Integer>> confusion,
      int bins,
      double ece,
      List<Calibration.Bin> reliability) {

    public Classification {
      labels = List.copyOf(labels);
      perClass = List.copyOf(perClass);
      confusion = confusion == null ? null : confusion.stream().map(List::copyOf).toList();
      reliability = List.copyOf(reliability);
    }
  }

  /**
   * One class's figures; a ratio whose denominator is 0 is {@code null} (undefined), not 0.
   *
   * @param support rows of this class
   * @param predicted rows predicted as this class
   * @param precision right among {@code predicted}; null when the class was never predicted
   * @param recall right among {@code support}; null when the class has no rows
   * @param f1 the harmonic mean of precision and recall (0 when both are 0); null when either is
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record ClassMetrics(
      String label, int support, int predicted, Double precision, Double recall, Double f1) {}

  /** Unweighted means over the classes with rows; an undefined precision or F1 counts as 0. */
  public record Averages(double precision, double recall, double f1) {}

  /**
   * A single-output regressor's figures; residuals are target − prediction.
   *
   * @param r2 1 − SS_res / SS_tot about the rows' own mean; null when every target is the same
   * @param meanResidual the mean residual (the bias, with its sign)
   * @param residualQuantiles quantiles of the residuals (Hyndman–Fan type 7, numpy's default)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Regression(
      double mae,
      double rmse,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double r2,
      double meanResidual,
      List<Quantile> residualQuantiles) {

    public Regression {
      residualQuantiles = List.copyOf(residualQuantiles);
    }
  }

  /** The {@code q}-quantile of the residuals. */
  public record Quantile(double q, double value) {}
}
