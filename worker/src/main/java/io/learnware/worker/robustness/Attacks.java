package io.learnware.worker.robustness;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.model.Differentiable;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.IntraOpThreads;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.RunnableModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * White-box L∞ evasion attacks on a model with input gradients ({@link
 * RunnableModel#differentiable()}: TorchScript and the market's DJL networks): FGSM (Goodfellow et
 * al., 2015) and PGD (Madry et al., 2018), ascending input gradients computed by PyTorch through
 * DJL. The loss is the mean cross-entropy of the logits for a classifier (labels, {@code int[]})
 * and the mean squared error of the one output for a regressor (targets, {@code double[]}): the
 * same steps, only the loss differs. Adversarial inputs stay within ε of the clean input and within
 * [low, high].
 *
 * <p>Every batch runs in its own sub-manager that is closed when the batch is done. Not
 * thread-safe; the model stays its caller's to close.
 */
public final class Attacks {

  /** Rows per forward/backward pass. */
  public static final int DEFAULT_BATCH_SIZE = 256;

  /** Accuracy of the model on adversarial inputs at one ε. */
  public record Result(double epsilon, int correct, int rows) {
    public double accuracy() {
      return rows == 0 ? 0 : (double) correct / rows;
    }
  }

  /**
   * Batches whose rows × parameters are below this run on one intra-op thread (restored
   * afterwards): on the shared 2-core machine a small batch's forward and backward passes take less
   * time than libtorch's OpenMP threads take to wake (bench/pgd-throughput.sh, docs/benchmarks.md).
   */
  static final long ONE_THREAD_WORK = 1L << 20;

  private final RunnableModel model;
  private final Differentiable gradients;
  private final long parameters;

  /** Outputs per row: a classifier's classes, a regressor's one value. */
  private final int outputs;

  private final InputShape inputShape;
  private final int batchSize;

  private Attacks(RunnableModel model, Differentiable gradients, int batchSize)
      throws ModelException {
    this.model = model;
    this.gradients = gradients;
    this.inputShape = model.inputShape();
    this.batchSize = batchSize;
    this.parameters = model.parameterCount().orElse(Long.MAX_VALUE);
    this.outputs = model.predict(new float[inputShape.size()], 1).length;
  }

  /** {@link #of(RunnableModel, int)} in batches of {@value #DEFAULT_BATCH_SIZE}. */
  public static Attacks of(RunnableModel model) throws ModelException {
    return of(model, DEFAULT_BATCH_SIZE);
  }

  /**
   * Attacks on a model with outputs {@code [n, k]}: logits of a classifier, or, with k = 1, a
   * regressor's predictions.
   *
   * @throws io.learnware.worker.model.CapabilityException when the model's format has no input
   *     gradients, saying why
   * @throws ModelException when the model fails on a row of zeros
   */
  public static Attacks of(RunnableModel model, int batchSize) throws ModelException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    return new Attacks(model, model.differentiable(), batchSize);
  }

  /** Fraction of rows whose largest logit is at their label. */
  public double accuracy(Matrix x, int[] labels) throws ModelException {
    return (double) correct(x, labels) / x.rows();
  }

  /** Number of rows whose largest logit (first on ties) is at their label. */
  public int correct(Matrix x, int[] labels) throws ModelException {
    checkInput(x, labels.length);
    float[] logits = model.predict(x.toFloatArray(), x.rows());
    int correct = 0;
    for (int i = 0; i < x.rows(); i++) {
      int best = 0;
      for (int j = 1; j < outputs; j++) {
        if (logits[i * outputs + j] > logits[i * outputs + best]) {
          best = j;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return correct;
  }

  /**
   * FGSM: {@code clip(x + ε·sign(∇ₓ loss), low, high)}.
   *
   * @param epsilon the L∞ budget, ≥ 0
   */
  public Matrix fgsm(Matrix x, int[] labels, double epsilon, double low, double high)
      throws ModelException {
    return pgd(x, labels, epsilon, 1, epsilon, false, 0L, low, high);
  }

  /**
   * FGSM on a regressor: {@code clip(x + ε·sign(∇ₓ (f(x) − y)²), low, high)}, the step that raises
   * the squared error to the first order.
   *
   * @param targets each row's target
   * @throws IllegalArgumentException when the model has more than one output per row
   */
  public Matrix fgsm(Matrix x, double[] targets, double epsilon, double low, double high)
      throws ModelException {
    return pgd(x, targets, epsilon, 1, epsilon, false, 0L, low, high);
  }

  /**
   * PGD in L∞: from x (or, with {@code randomStart}, from x plus a uniform draw in [−ε, ε] per
   * value from {@code seed}, clipped to the range), {@code steps} times {@code a ← Π(a + α·sign(∇ₐ
   * loss))}, Π the projection onto the ε-ball around x and then onto [low, high]. One step of size
   * ε without random start is FGSM.
   */
  public Matrix pgd(
      Matrix x,
      int[] labels,
      double epsilon,
      int steps,
      double stepSize,
      boolean randomStart,
      long seed,
      double low,
      double high)
      throws ModelException {
    checkInput(x, labels.length);
    for (int label : labels) {
      if (label < 0 || label >= outputs) {
        throw new ModelException(
            "label %d is not one of the model's %d classes".formatted(label, outputs));
      }
    }
    return ascend(
        x,
        (batch, from, n) -> crossEntropy(batch, Arrays.copyOfRange(labels, from, from + n)),
        epsilon,
        steps,
        stepSize,
        randomStart,
        seed,
        low,
        high);
  }

  /**
   * PGD on a regressor, as {@link #pgd(Matrix, int[], double, int, double, boolean, long, double,
   * double)} but ascending the mean squared error {@code (f(x) − y)²} of its one output.
   *
   * @param targets each row's target
   * @throws IllegalArgumentException when the model has more than one output per row
   */
  public Matrix pgd(
      Matrix x,
      double[] targets,
      double epsilon,
      int steps,
      double stepSize,
      boolean randomStart,
      long seed,
      double low,
      double high)
      throws ModelException {
    checkInput(x, targets.length);
    if (outputs != 1) {
      throw new IllegalArgumentException(
          "the squared error is a regressor's loss, of one output per row; this model has %d"
              .formatted(outputs));
    }
    return ascend(
        x,
        (batch, from, n) -> squaredError(batch, Arrays.copyOfRange(targets, from, from + n)),
        epsilon,
        steps,
        stepSize,
        randomStart,
        seed,
        low,
        high);
  }

  /** A batch's loss of the model's outputs: built once per batch, applied at every step. */
  @FunctionalInterface
  private interface BatchLoss {
    Function<NDArray, NDArray> of(NDManager batch, int from, int n);
  }

  /** PGD's steps, from x, up the gradient of {@code loss}. */
  private Matrix ascend(
      Matrix x,
      BatchLoss loss,
      double epsilon,
      int steps,
      double stepSize,
      boolean randomStart,
      long seed,
      double low,
      double high)
      throws ModelException {
    if (!(epsilon >= 0) || !(stepSize >= 0) || steps < 0 || !(low <= high)) {
      throw new IllegalArgumentException(
          "need ε ≥ 0, step size ≥ 0, steps ≥ 0 and low ≤ high; got ε=%s, α=%s, steps=%d, [%s, %s]"
              .formatted(epsilon, stepSize, steps, low, high));
    }
    int d = x.columns();
    float[] clean = toFloats(x.data());
    float[] adv = clean.clone();
    float eps = (float) epsilon;
    float alpha = (float) stepSize;
    float lo = (float) low;
    float hi = (float) high;
    if (randomStart) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < adv.length; i++) {
        float u = (float) (random.nextDouble() * 2 - 1) * eps;
        adv[i] = clip(clean[i] + u, clean[i], eps, lo, hi);
      }
    }
    long work = (long) Math.min(batchSize, x.rows()) * Math.min(parameters, ONE_THREAD_WORK);
    IntraOpThreads.one(
        !model.device().isGpu() && work < ONE_THREAD_WORK,
        () -> {
          for (int start = 0; start < x.rows(); start += batchSize) {
            int n = Math.min(x.rows(), start + batchSize) - start;
            int from = start * d;
            int to = from + n * d;
            try (NDManager batch = gradients.newBatchManager()) {
              Function<NDArray, NDArray> batchLoss = loss.of(batch, start, n);
              for (int step = 0; step < steps; step++) {
                float[] grad = gradient(batch, Arrays.copyOfRange(adv, from, to), n, batchLoss);
                for (int i = 0; i < grad.length; i++) {
                  int o = from + i;
                  adv[o] = clip(adv[o] + alpha * Math.signum(grad[i]), clean[o], eps, lo, hi);
                }
              }
            }
          }
          return null;
        });
    double[] out = new double[adv.length];
    for (int i = 0; i < adv.length; i++) {
      out[i] = adv[i];
    }
    return new Matrix(x.rows(), d, out);
  }

  /** FGSM accuracy at every ε of {@code epsilons}. */
  public List<Result> fgsmAccuracy(
      Matrix x, int[] labels, List<Double> epsilons, double low, double high)
      throws ModelException {
    List<Result> results = new ArrayList<>();
    for (double eps : epsilons) {
      results.add(new Result(eps, correct(fgsm(x, labels, eps, low, high), labels), x.rows()));
    }
    return results;
  }

  /** PGD accuracy at every ε of {@code epsilons}, with step size {@code stepFraction}·ε. */
  public List<Result> pgdAccuracy(
      Matrix x,
      int[] labels,
      List<Double> epsilons,
      int steps,
      double stepFraction,
      boolean randomStart,
      long seed,
      double low,
      double high)
      throws ModelException {
    List<Result> results = new ArrayList<>();
    for (double eps : epsilons) {
      Matrix adv = pgd(x, labels, eps, steps, stepFraction * eps, randomStart, seed, low, high);
      results.add(new Result(eps, correct(adv, labels), x.rows()));
    }
    return results;
  }

  /**
   * The mean cross-entropy of the logits, as weights on the log-probabilities: −1/n at each row's
   * label, 0 elsewhere. The weights are made once per batch, so that each step's loss is three
   * operations.
   */
  private Function<NDArray, NDArray> crossEntropy(NDManager batch, int[] labels) {
    float[] weights = new float[labels.length * outputs];
    for (int i = 0; i < labels.length; i++) {
      weights[i * outputs + labels[i]] = -1f / labels.length;
    }
    NDArray w = batch.create(weights, new Shape(labels.length, outputs));
    return logits -> logits.logSoftmax(1).mul(w).sum();
  }

  /** The mean squared error of the one output against the targets (float32, as the outputs). */
  private static Function<NDArray, NDArray> squaredError(NDManager batch, double[] targets) {
    float[] y = new float[targets.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) targets[i];
    }
    NDArray t = batch.create(y, new Shape(y.length, 1));
    return predictions -> predictions.sub(t).square().mean();
  }

  /** ∇ₓ of {@code loss} of the outputs at x, for one batch; arrays freed on return. */
  private float[] gradient(NDManager parent, float[] rows, int n, Function<NDArray, NDArray> loss)
      throws ModelException {
    try (NDManager manager = parent.newSubManager()) {
      NDArray x = manager.create(rows, inputShape.batch(n));
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        gc.backward(loss.apply(gradients.forward(x)));
      }
      return x.getGradient().toFloatArray();
    }
  }

  private void checkInput(Matrix x, int rows) {
    if (x.columns() != inputShape.size()) {
      throw new IllegalArgumentException(
          "samples have %d numbers each; the model's input %s needs %d"
              .formatted(x.columns(), inputShape.describeBatch(), inputShape.size()));
    }
    if (rows != x.rows()) {
      throw new IllegalArgumentException(
          "%d labels or targets for %d rows".formatted(rows, x.rows()));
    }
  }

  /** Projects a onto [c − ε, c + ε] and then onto [lo, hi]. */
  private static float clip(float a, float c, float eps, float lo, float hi) {
    float v = Math.min(Math.max(a, c - eps), c + eps);
    return Math.min(Math.max(v, lo), hi);
  }

  private static float[] toFloats(double[] data) {
    float[] out = new float[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = (float) data[i];
    }
    return out;
  }

  /** Arrays still attached to the model's manager: its parameters plus anything leaked. */
  int liveArrays() {
    try (NDManager probe = gradients.newBatchManager()) {
      return probe.getParentManager().getManagedArrays().size();
    }
  }
}
