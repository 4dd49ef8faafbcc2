package io.learnware.worker.transfer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.learnware.spec.Task;
import io.learnware.worker.job.RegressionMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * What a transfer measured (the contract's {@code accuracy}, {@code baselineAccuracy} and {@code
 * history}, and how they came about). Measures are on rows that the measured head did not fit: the
 * cross-validation folds or the hold-out of {@code validation}.
 *
 * <p>A classifier's report has accuracies; a regressor's ({@code task} {@code regression}) has MAE,
 * RMSE and R² instead, in the target's units. A linear head on a frozen backbone is solved: a
 * classifier's by L-BFGS ({@code solver} {@value #LBFGS}, its penalty chosen by validation, then
 * refitted on all rows, {@code solve} says how), a regressor's in closed form ({@code solver}
 * {@value #RIDGE}, {@code ridge} says how). Other heads are trained ({@code solver} {@value #ADAM})
 * on the rows outside the hold-out with early stopping, and the epoch fields say how. Fields that
 * do not apply are left out.
 *
 * @param accuracy a classifier's validation accuracy (cross-validated, or on the hold-out of its
 *     kept epoch)
 * @param baselineAccuracy the same head fitted the same way on raw inputs (no backbone)
 * @param mae a regressor's validation mean absolute error
 * @param rmse a regressor's validation root mean squared error
 * @param r2 a regressor's validation R² ({@code 1 − SS_res / SS_tot} about the validated targets'
 *     mean); {@code null} if they do not vary
 * @param baselineMae the same for the head on raw inputs
 * @param baselineRmse the same for the head on raw inputs
 * @param baselineR2 the same for the head on raw inputs
 * @param gain what the backbone bought: {@code accuracy − baselineAccuracy}, or for a regressor
 *     {@code r2 − baselineR2}
 * @param task {@code classification} or {@code regression}
 * @param classes a classifier's labels, in output order
 * @param target a regressor's output: the target's name
 * @param head the head, e.g. {@code linear head}
 * @param freezeBackbone whether the backbone stayed as it was (else it was fine-tuned)
 * @param solver {@value #LBFGS} or {@value #RIDGE} (solved to its optimum) or {@value #ADAM}
 *     (trained by gradient steps)
 * @param validation how the measures were taken: {@code 5-fold cross-validation} or {@code
 *     hold-out}
 * @param learningRate the head's Adam step (trained heads)
 * @param backboneLearningRate the backbone's step when fine-tuned
 * @param trainRows rows the saved head was fitted on (all of them for a solved head)
 * @param validationRows rows its measures were taken on (each row once in cross-validation)
 * @param featureDimension features per sample from the backbone
 * @param trainableParameters numbers the transfer fitted (the head's, plus the backbone's when
 *     fine-tuned)
 * @param solve how the solved classifier head's penalty was chosen and the head solved
 * @param baselineSolve the same for the baseline
 * @param ridge how the solved regression head's α was chosen
 * @param baselineRidge the same for the baseline
 * @param bestEpoch the kept epoch of the transfer (trained heads)
 * @param baselineBestEpoch the kept epoch of the baseline
 * @param stoppedEarly whether the transfer's validation measure stopped improving before the last
 *     epoch
 * @param history the transfer's epochs
 * @param baselineHistory the baseline's epochs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferReport(
    Double accuracy,
    Double baselineAccuracy,
    Double mae,
    Double rmse,
    Double r2,
    Double baselineMae,
    Double baselineRmse,
    Double baselineR2,
    Double gain,
    Task task,
    List<String> classes,
    String target,
    String head,
    boolean freezeBackbone,
    String solver,
    String validation,
    Double learningRate,
    Double backboneLearningRate,
    int trainRows,
    int validationRows,
    int featureDimension,
    long trainableParameters,
    Solve solve,
    Solve baselineSolve,
    Ridge ridge,
    Ridge baselineRidge,
    Integer bestEpoch,
    Integer baselineBestEpoch,
    Boolean stoppedEarly,
    List<Epoch> history,
    List<Epoch> baselineHistory) {

  /**
   * How the heads were fitted: the fields every report has whatever the task, given once to the
   * classifier's or the regressor's factory.
   */
  record Setup(
      String head,
      boolean freezeBackbone,
      String solver,
      String validation,
      Double learningRate,
      Double backboneLearningRate,
      int trainRows,
      int validationRows,
      int featureDimension,
      long trainableParameters) {}

  /** A classifier's figures and the fields every report has; the regression ones left out. */
  static TransferReport classifier(
      double accuracy, double baselineAccuracy, List<String> classes, Setup setup) {
    return new TransferReport(
        accuracy,
        baselineAccuracy,
        null,
        null,
        null,
        null,
        null,
        null,
        accuracy - baselineAccuracy,
        Task.CLASSIFICATION,
        classes,
        null,
        setup.head(),
        setup.freezeBackbone(),
        setup.solver(),
        setup.validation(),
        setup.learningRate(),
        setup.backboneLearningRate(),
        setup.trainRows(),
        setup.validationRows(),
        setup.featureDimension(),
        setup.trainableParameters(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** A regressor's figures and the fields every report has; the classifier ones left out. */
  static TransferReport regressor(
      RegressionMetrics transfer, RegressionMetrics baseline, String target, Setup setup) {
    return new TransferReport(
        null,
        null,
        transfer.mae(),
        transfer.rmse(),
        transfer.r2(),
        baseline.mae(),
        baseline.rmse(),
        baseline.r2(),
        transfer.r2() != null && baseline.r2() != null ? transfer.r2() - baseline.r2() : null,
        Task.REGRESSION,
        null,
        target,
        setup.head(),
        setup.freezeBackbone(),
        setup.solver(),
        setup.validation(),
        setup.learningRate(),
        setup.backboneLearningRate(),
        setup.trainRows(),
        setup.validationRows(),
        setup.featureDimension(),
        setup.trainableParameters(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** This report with how the solved classifier heads came about. */
  TransferReport withSolves(Solve transfer, Solve baseline) {
    return new TransferReport(
        accuracy,
        baselineAccuracy,
        mae,
        rmse,
        r2,
        baselineMae,
        baselineRmse,
        baselineR2,
        gain,
        task,
        classes,
        target,
        head,
        freezeBackbone,
        solver,
        validation,
        learningRate,
        backboneLearningRate,
        trainRows,
        validationRows,
        featureDimension,
        trainableParameters,
        transfer,
        baseline,
        ridge,
        baselineRidge,
        bestEpoch,
        baselineBestEpoch,
        stoppedEarly,
        history,
        baselineHistory);
  }

  /** This report with how the solved regression heads came about. */
  TransferReport withRidges(Ridge transfer, Ridge baseline) {
    return new TransferReport(
        accuracy,
        baselineAccuracy,
        mae,
        rmse,
        r2,
        baselineMae,
        baselineRmse,
        baselineR2,
        gain,
        task,
        classes,
        target,
        head,
        freezeBackbone,
        solver,
        validation,
        learningRate,
        backboneLearningRate,
        trainRows,
        validationRows,
        featureDimension,
        trainableParameters,
        solve,
        baselineSolve,
        transfer,
        baseline,
        bestEpoch,
        baselineBestEpoch,
        stoppedEarly,
        history,
        baselineHistory);
  }

  /** This report with the trained heads' epochs. */
  TransferReport withEpochs(
      int best, int baselineBest, boolean stopped, List<Epoch> epochs, List<Epoch> baseline) {
    return new TransferReport(
        accuracy,
        baselineAccuracy,
        mae,
        rmse,
        r2,
        baselineMae,
        baselineRmse,
        baselineR2,
        gain,
        task,
        classes,
        target,
        head,
        freezeBackbone,
        solver,
        validation,
        learningRate,
        backboneLearningRate,
        trainRows,
        validationRows,
        featureDimension,
        trainableParameters,
        solve,
        baselineSolve,
        ridge,
        baselineRidge,
        best,
        baselineBest,
        stopped,
        epochs,
        baseline);
  }

  /** {@code solver} of a head solved as multinomial logistic regression. */
  public static final String LBFGS = "lbfgs";

  /** {@code solver} of a regression head solved in closed form (ridge regression). */
  public static final String RIDGE = "ridge";

  /** {@code solver} of a head trained by Adam steps. */
  public static final String ADAM = "adam";

  /**
   * One epoch: mean training loss and the validation measure after it.
   *
   * @param loss a classifier's mean cross-entropy, or a regressor's mean squared error in the
   *     target's units
   * @param validationAccuracy a classifier's
   * @param validationMse a regressor's mean squared error on the validation rows, in the target's
   *     units
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Epoch(int epoch, double loss, Double validationAccuracy, Double validationMse) {}

  /**
   * How a regression head was solved: ridge regression in closed form on the features as they are,
   * {@code min Σ (y − w·x − b)² + α ‖w‖²} (scikit-learn's {@code Ridge(alpha)}).
   *
   * @param alpha the chosen α
   * @param path every α tried, with the mean squared error over the folds
   * @param folds contiguous folds of the rows in data-set order
   */
  public record Ridge(double alpha, List<RidgePoint> path, int folds) {

    static Ridge of(RidgeRegression.Solution solution) {
      List<RidgePoint> path = new ArrayList<>();
      for (int a = 0; a < RidgeRegression.ALPHAS.length; a++) {
        path.add(new RidgePoint(RidgeRegression.ALPHAS[a], solution.cvMse()[a]));
      }
      return new Ridge(solution.alpha(), List.copyOf(path), RidgeRegression.FOLDS);
    }
  }

  /** An α tried and the cross-validated mean squared error it gave. */
  public record RidgePoint(double alpha, double cvMse) {}

  /**
   * How a head was solved: multinomial logistic regression minimising {@code Σ CE + penalty/2 ‖W‖²}
   * on standardised features (scikit-learn's {@code C = 1 / penalty}).
   *
   * @param penalty the chosen L2 penalty λ
   * @param path each penalty tried, strongest first, with its validation accuracy (the path stops
   *     after two in a row worse than the best)
   * @param iterations L-BFGS iterations of the refit on all rows
   * @param converged whether the refit met its tolerance
   * @param gradientNorm the refit's largest gradient component at the end (of the mean loss)
   * @param fits L-BFGS runs, the refit included
   * @param totalIterations their iterations in all
   * @param allConverged whether every run met its tolerance
   */
  public record Solve(
      double penalty,
      List<PathPoint> path,
      int iterations,
      boolean converged,
      double gradientNorm,
      int fits,
      long totalIterations,
      boolean allConverged) {

    static Solve of(SoftmaxRegression.Solution solution) {
      List<PathPoint> path = new ArrayList<>();
      for (int p = 0; p < solution.accuracies().length; p++) {
        path.add(new PathPoint(SoftmaxRegression.PENALTIES[p], solution.accuracies()[p]));
      }
      return new Solve(
          solution.penalty(),
          List.copyOf(path),
          solution.refit().iterations(),
          solution.refit().converged(),
          solution.refit().gradientNorm(),
          solution.fits(),
          solution.iterations(),
          solution.allConverged());
    }
  }

  /** A penalty tried and the validation accuracy it gave. */
  public record PathPoint(double penalty, double validationAccuracy) {}
}
