package io.learnware.worker.transfer;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a transfer measured (the contract's {@code accuracy}, {@code baselineAccuracy} and {@code
 * history}, and how they came about). Accuracies are on rows that the measured head did not fit:
 * the cross-validation folds or the hold-out of {@code validation}.
 *
 * <p>A linear head on a frozen backbone is solved ({@code solver} {@value #LBFGS}): its penalty is
 * chosen by validation, then it is refitted on all rows, and {@code solve} says how. Other heads
 * are trained ({@code solver} {@value #ADAM}) on the rows outside the hold-out with early stopping,
 * and the epoch fields say how. Fields of the other kind are left out.
 *
 * @param accuracy the transferred model's validation accuracy (cross-validated, or on the hold-out
 *     of its kept epoch)
 * @param baselineAccuracy the same head fitted the same way on raw inputs (no backbone)
 * @param gain {@code accuracy − baselineAccuracy}: what the backbone bought
 * @param classes the new task's labels, in output order
 * @param head the head, e.g. {@code linear head}
 * @param freezeBackbone whether the backbone stayed as it was (else it was fine-tuned)
 * @param solver {@value #LBFGS} (solved to its optimum) or {@value #ADAM} (trained by gradient
 *     steps)
 * @param validation how the accuracies were measured: {@code 5-fold cross-validation} or {@code
 *     hold-out}
 * @param learningRate the head's Adam step (trained heads)
 * @param backboneLearningRate the backbone's step when fine-tuned
 * @param trainRows rows the saved head was fitted on (all of them for a solved head)
 * @param validationRows rows its accuracy was measured on (each row once in cross-validation)
 * @param featureDimension features per sample from the backbone
 * @param trainableParameters numbers the transfer fitted (the head's, plus the backbone's when
 *     fine-tuned)
 * @param solve how the solved head's penalty was chosen and the head solved
 * @param baselineSolve the same for the baseline
 * @param bestEpoch the kept epoch of the transfer (trained heads)
 * @param baselineBestEpoch the kept epoch of the baseline
 * @param stoppedEarly whether the transfer's validation accuracy stopped improving before the last
 *     epoch
 * @param history the transfer's epochs
 * @param baselineHistory the baseline's epochs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferReport(
    double accuracy,
    double baselineAccuracy,
    double gain,
    List<String> classes,
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
    Integer bestEpoch,
    Integer baselineBestEpoch,
    Boolean stoppedEarly,
    List<Epoch> history,
    List<Epoch> baselineHistory) {

  /** {@code solver} of a head solved as multinomial logistic regression. */
  public static final String LBFGS = "lbfgs";

  /** {@code solver} of a head trained by Adam steps. */
  public static final String ADAM = "adam";

  /** One epoch: mean training loss and validation accuracy after it. */
  public record Epoch(int epoch, double loss, double validationAccuracy) {}

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
      List<PathPoint> path = new java.util.ArrayList<>();
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
