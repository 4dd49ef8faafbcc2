package io.learnware.worker.robustness;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.IntraOpThreads;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ParameterCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * White-box L∞ evasion attacks on a TorchScript classifier: FGSM (Goodfellow et al., 2015) and PGD
 * (Madry et al., 2018), with input gradients of the mean cross-entropy of the logits computed by
 * PyTorch through DJL. Adversarial inputs stay within ε of the clean input and within [low, high].
 *
 * <p>The module is loaded with {@code trainParam} (parameters that can be saved for backward), put
 * in eval mode, and run outside {@code InferenceMode} so the graph is recorded. Every batch runs in
 * its own sub-manager that is closed when the batch is done. Not thread-safe.
 */
public final class Attacks implements AutoCloseable {

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

  private final Model model;
  private final PtSymbolBlock block;
  private final long parameters;
  private int classes;
  private final InputShape inputShape;
  private final int batchSize;

  private Attacks(Model model, PtSymbolBlock block, InputShape inputShape, int batchSize) {
    this.model = model;
    this.block = block;
    this.inputShape = inputShape;
    this.batchSize = batchSize;
    this.parameters = ParameterCounts.of(block);
  }

  /** The model's number of outputs, from one pass over zeros. */
  private int probeClasses() throws ModelException {
    try (NDManager probe = model.getNDManager().newSubManager()) {
      return Math.toIntExact(forward(probe.zeros(inputShape.batch(1))).getShape().get(1));
    }
  }

  /** {@link #load(Path, InputShape, Device, int)} in batches of {@value #DEFAULT_BATCH_SIZE}. */
  public static Attacks load(Path artifact, InputShape inputShape, Device device)
      throws ModelException {
    return load(artifact, inputShape, device, DEFAULT_BATCH_SIZE);
  }

  /**
   * Loads a TorchScript classifier (outputs logits {@code [n, k]}) for gradient computation.
   *
   * @throws ModelException when the file does not exist or is not a TorchScript module
   */
  public static Attacks load(Path artifact, InputShape inputShape, Device device, int batchSize)
      throws ModelException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    if (!Files.isRegularFile(artifact)) {
      throw new ModelException("the model file %s does not exist".formatted(artifact));
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Model model = Model.newInstance("attacked", device, "PyTorch");
    try {
      model.load(artifact, null, Map.of("mapLocation", "true", "trainParam", "true"));
      PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
      // Eval mode (dropout off, batch norm running statistics) without InferenceMode.
      JniUtils.enableInferenceMode(block);
      Attacks attacks = new Attacks(model, block, inputShape, batchSize);
      attacks.classes = attacks.probeClasses();
      return attacks;
    } catch (ModelException e) {
      model.close();
      throw e;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new ModelException(
          "the model file is not a TorchScript module PyTorch can load: " + e.getMessage(), e);
    }
  }

  /** Fraction of rows whose largest logit is at their label. */
  public double accuracy(Matrix x, int[] labels) throws ModelException {
    return (double) correct(x, labels) / x.rows();
  }

  /** Number of rows whose largest logit (first on ties) is at their label. */
  public int correct(Matrix x, int[] labels) throws ModelException {
    checkInput(x, labels);
    int d = x.columns();
    float[] all = toFloats(x.data());
    int correct = 0;
    for (int start = 0; start < x.rows(); start += batchSize) {
      int n = Math.min(x.rows(), start + batchSize) - start;
      float[] rows = Arrays.copyOfRange(all, start * d, (start + n) * d);
      try (NDManager batch = model.getNDManager().newSubManager()) {
        float[] logits = forward(batch.create(rows, inputShape.batch(n))).toFloatArray();
        int k = logits.length / n;
        for (int i = 0; i < n; i++) {
          int best = 0;
          for (int j = 1; j < k; j++) {
            if (logits[i * k + j] > logits[i * k + best]) {
              best = j;
            }
          }
          if (best == labels[start + i]) {
            correct++;
          }
        }
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
    checkInput(x, labels);
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
    long work = (long) Math.min(batchSize, x.rows()) * parameters;
    IntraOpThreads.one(
        !model.getNDManager().getDevice().isGpu() && work < ONE_THREAD_WORK,
        () -> {
          for (int start = 0; start < x.rows(); start += batchSize) {
            int n = Math.min(x.rows(), start + batchSize) - start;
            int from = start * d;
            int to = from + n * d;
            int[] y = Arrays.copyOfRange(labels, start, start + n);
            try (NDManager batch = model.getNDManager().newSubManager()) {
              NDArray weights = lossWeights(batch, y);
              for (int step = 0; step < steps; step++) {
                float[] grad = gradient(batch, Arrays.copyOfRange(adv, from, to), n, weights);
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
   * The mean cross-entropy as weights on the log-probabilities: −1/n at each row's label, 0
   * elsewhere. Made once per batch, so that each step's loss is three operations.
   */
  private NDArray lossWeights(NDManager batch, int[] labels) throws ModelException {
    float[] weights = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new ModelException(
            "label %d is not one of the model's %d classes".formatted(labels[i], classes));
      }
      weights[i * classes + labels[i]] = -1f / labels.length;
    }
    return batch.create(weights, new Shape(labels.length, classes));
  }

  /** ∇ₓ of the mean cross-entropy of the logits at x, for one batch; arrays freed on return. */
  private float[] gradient(NDManager parent, float[] rows, int n, NDArray weights)
      throws ModelException {
    try (NDManager manager = parent.newSubManager()) {
      NDArray x = manager.create(rows, inputShape.batch(n));
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(forward(x).logSoftmax(1).mul(weights).sum());
      }
      return x.getGradient().toFloatArray();
    }
  }

  /** Logits {@code [n, k]} as float32, recorded for backward. */
  private NDArray forward(NDArray input) throws ModelException {
    long n = input.getShape().get(0);
    NDList outputs;
    try {
      outputs = IValueUtils.forward(block, new NDList(input), true);
    } catch (RuntimeException e) {
      throw new ModelException(
          "the model fails on input of shape %s: %s"
              .formatted(inputShape.describeBatch(), e.getMessage()),
          e);
    }
    if (outputs.size() != 1) {
      throw new ModelException(
          "the model returned %d tensors; expected logits [n, k]".formatted(outputs.size()));
    }
    NDArray out = outputs.head();
    Shape shape = out.getShape();
    if (shape.dimension() != 2 || shape.get(0) != n) {
      throw new ModelException(
          "the model returned shape %s for %d samples; expected [%d, k]".formatted(shape, n, n));
    }
    return out.getDataType() == DataType.FLOAT32 ? out : out.toType(DataType.FLOAT32, false);
  }

  private void checkInput(Matrix x, int[] labels) {
    if (x.columns() != inputShape.size()) {
      throw new IllegalArgumentException(
          "samples have %d numbers each; the model's input %s needs %d"
              .formatted(x.columns(), inputShape.describeBatch(), inputShape.size()));
    }
    if (labels.length != x.rows()) {
      throw new IllegalArgumentException(
          "%d labels for %d rows".formatted(labels.length, x.rows()));
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
    return model.getNDManager().getManagedArrays().size();
  }

  @Override
  public void close() {
    model.close();
  }
}
