package io.learnware.worker.robustness;

import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.IntraOpThreads;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.RunnableModel;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Square Attack in L∞ (Andriushchenko, Croce, Flammarion &amp; Hein, <i>Square Attack: a
 * query-efficient black-box adversarial attack via random search</i>, ECCV 2020): a score-based
 * black-box attack that needs only the model's outputs, so it runs on every format, ONNX graphs and
 * boosted trees included.
 *
 * <p>As the paper's L∞ algorithm: start at vertical stripes (every column of every channel moved by
 * +ε or −ε, drawn at random), then, for each sample still classified right, propose to set a random
 * square window of side {@code s} to a fresh ±ε per channel and keep the proposal if it lowers the
 * margin loss {@code z_y − max_{k≠y} z_k} of the outputs. A proposal that would not change the
 * input is redrawn. The window covers a fraction p of the pixels: {@code squareP} at first, halved
 * at the paper's schedule (iterations 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000 of 10,000,
 * scaled to the query budget). A sample stops once misclassified (margin below 0).
 *
 * <p>Tables have no windows: a proposal sets a random subset of {@code max(1, round(p·d))} of the d
 * features to a fresh ±ε each, and the stripes start is a random ±ε per feature.
 *
 * <p>Every sample's first query is the start; each proposal is one more, so a sample uses at most
 * {@code queries} model evaluations. Inputs stay within ε of the clean input and within [low,
 * high]. Deterministic for a seed when the model is.
 *
 * <p>A regressor ({@link #run(Matrix, double[])}, one output per row) is attacked by the same
 * search with the squared error {@code (f(x) − y)²} to the row's target as the score: a proposal is
 * kept if it raises it. There is no point at which a regressor is "fooled", so every row uses the
 * whole budget.
 *
 * <pre>{@code
 * SquareAttack.Result result = SquareAttack.builder()
 *     .setModel(model).setEpsilon(0.1)               // required
 *     .optQueries(300).optP(0.05).optSeed(0)         // the defaults
 *     .optRange(0, 1)
 *     .build()
 *     .run(x, labels);
 * }</pre>
 */
public final class SquareAttack {

  /** Model evaluations per sample by default: a few hundred, as the job's budget. */
  public static final int DEFAULT_QUERIES = 300;

  /** Model evaluations per sample at most, bounding a job's cost. */
  public static final int MAX_QUERIES = 10_000;

  /** The fraction of the input a window covers at first (the paper uses 0.05 on ImageNet). */
  public static final double DEFAULT_P = 0.05;

  /** The iteration count the paper's schedule of p is written for. */
  private static final int SCHEDULE_ITERATIONS = 10_000;

  private static final int[] SCHEDULE_STEPS = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};

  /** A proposal that leaves the input as it is is redrawn at most this often. */
  private static final int REDRAWS = 100;

  /**
   * Hears progress after every iteration; throwing from it (e.g. on cancellation) stops. {@code
   * fooled} counts the rows misclassified so far; it stays 0 for a regressor.
   */
  @FunctionalInterface
  public interface Listener {
    void iterationDone(int iteration, int iterations, int fooled, int rows);
  }

  /**
   * What the attack did.
   *
   * @param adversarial the attacked inputs, one row per sample
   * @param correct rows still classified right (largest output, first on ties, at the label)
   * @param queries the budget per sample
   * @param meanQueries model evaluations per sample on average (a sample stops once fooled)
   */
  public record Result(
      Matrix adversarial, double epsilon, int correct, int rows, int queries, double meanQueries) {
    public double accuracy() {
      return rows == 0 ? 0 : (double) correct / rows;
    }
  }

  /**
   * A regressor under attack.
   *
   * @param adversarial the attacked inputs, one row per sample
   * @param queries the budget per sample, which every row uses
   */
  public record RegressionResult(Matrix adversarial, double epsilon, int queries) {}

  /** What the search lowers, row by row. */
  @FunctionalInterface
  private interface Objective {
    /** The loss of {@code row} from its {@code k} outputs at {@code from}. */
    float loss(float[] outputs, int from, int k, int row);
  }

  /** The best inputs found and the model evaluations each row used. */
  private record Search(float[] best, int[] queries) {}

  private final Builder settings;

  private SquareAttack(Builder settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Attacks every row of {@code x}.
   *
   * @param labels each row's class
   * @throws ModelException when the model fails on the inputs
   */
  public Result run(Matrix x, int[] labels) throws ModelException {
    // A row is done once misclassified: its margin is below 0.
    Search search =
        search(
            x,
            labels.length,
            true,
            (outputs, from, k, row) -> {
              int label = labels[row];
              if (label < 0 || label >= k) {
                throw new IllegalArgumentException(
                    "label %d is not one of the model's %d classes".formatted(label, k));
              }
              return margin(outputs, from, k, label);
            });
    int n = x.rows();
    float[] outputs = settings.model.predict(search.best(), n);
    int k = n == 0 ? 0 : outputs.length / n;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int top = 0;
      for (int c = 1; c < k; c++) {
        if (outputs[i * k + c] > outputs[i * k + top]) {
          top = c;
        }
      }
      correct += top == labels[i] ? 1 : 0;
    }
    long used = 0;
    for (int q : search.queries()) {
      used += q;
    }
    return new Result(
        matrix(n, x.columns(), search.best()),
        settings.epsilon,
        correct,
        n,
        settings.queries,
        n == 0 ? 0 : (double) used / n);
  }

  /**
   * Attacks every row of {@code x} of a regressor, raising the squared error to its target.
   *
   * @param targets each row's target
   * @throws IllegalArgumentException when the model has more than one output per row
   * @throws ModelException when the model fails on the inputs
   */
  public RegressionResult run(Matrix x, double[] targets) throws ModelException {
    Search search =
        search(
            x,
            targets.length,
            false,
            (outputs, from, k, row) -> {
              if (k != 1) {
                throw new IllegalArgumentException(
                    "the squared error is a regressor's loss, of one output per row; this model"
                        + " has %d".formatted(k));
              }
              double error = outputs[from] - targets[row];
              return (float) -(error * error);
            });
    return new RegressionResult(
        matrix(x.rows(), x.columns(), search.best()), settings.epsilon, settings.queries);
  }

  /**
   * The random search.
   *
   * @param stops whether a row is done once its loss is below 0 (a misclassified row), or runs the
   *     whole budget
   */
  private Search search(Matrix x, int rows, boolean stops, Objective objective)
      throws ModelException {
    RunnableModel model = settings.model;
    // Hundreds of small forward passes: as for PGD (Attacks.ONE_THREAD_WORK), below the threshold
    // libtorch's OpenMP threads cost more to wake than the arithmetic they share.
    long work =
        (long) x.rows()
            * Math.min(model.parameterCount().orElse(Long.MAX_VALUE), Attacks.ONE_THREAD_WORK);
    return IntraOpThreads.one(
        !model.device().isGpu() && work < Attacks.ONE_THREAD_WORK,
        () -> attack(x, rows, stops, objective));
  }

  private Search attack(Matrix x, int rows, boolean stops, Objective objective)
      throws ModelException {
    RunnableModel model = settings.model;
    InputShape shape = model.inputShape();
    if (x.columns() != shape.size() || rows != x.rows()) {
      throw new IllegalArgumentException(
          "%d rows of %d numbers with %d labels or targets; the model takes %d numbers per row"
              .formatted(x.rows(), x.columns(), rows, shape.size()));
    }
    int n = x.rows();
    int d = x.columns();
    float eps = settings.epsilon.floatValue();
    float lo = (float) settings.low;
    float hi = (float) settings.high;
    float[] clean = x.toFloatArray();
    float[] best = new float[n * d];
    SplittableRandom random = new SplittableRandom(settings.seed);
    Window window = Window.of(shape);
    for (int i = 0; i < n; i++) {
      window.stripes(clean, best, i * d, eps, lo, hi, random);
    }
    float[] losses = losses(model.predict(best, n), n, objective);
    int[] queries = new int[n];
    Arrays.fill(queries, 1);
    // At ε = 0 every proposal is the clean input: the first query already answers, and searching
    // would only redraw empty windows (up to REDRAWS each) for the whole budget.
    int iterations = eps == 0 ? 0 : settings.queries - 1;
    int[] active = new int[n];
    float[] candidates = new float[n * d];
    for (int iteration = 1; iteration <= iterations; iteration++) {
      int count = 0;
      for (int i = 0; i < n; i++) {
        if (!stops || losses[i] >= 0) {
          active[count++] = i;
        }
      }
      if (count == 0) {
        break;
      }
      double p = p(iteration, iterations);
      for (int a = 0; a < count; a++) {
        int row = active[a];
        System.arraycopy(best, row * d, candidates, a * d, d);
        window.propose(clean, row * d, candidates, a * d, p, eps, lo, hi, random);
      }
      float[] outputs = model.predict(Arrays.copyOf(candidates, count * d), count);
      int k = outputs.length / count;
      for (int a = 0; a < count; a++) {
        int row = active[a];
        queries[row]++;
        float loss = objective.loss(outputs, a * k, k, row);
        if (loss < losses[row]) {
          losses[row] = loss;
          System.arraycopy(candidates, a * d, best, row * d, d);
        }
      }
      int fooled = 0;
      for (float loss : losses) {
        fooled += stops && loss < 0 ? 1 : 0;
      }
      settings.listener.iterationDone(iteration, iterations, fooled, n);
    }
    return new Search(best, queries);
  }

  private static Matrix matrix(int rows, int columns, float[] values) {
    double[] data = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      data[i] = values[i];
    }
    return new Matrix(rows, columns, data);
  }

  /** The paper's schedule: p halves at fixed fractions of the iterations. */
  private double p(int iteration, int iterations) {
    int scaled = (int) ((long) iteration * SCHEDULE_ITERATIONS / iterations);
    double p = settings.p;
    for (int step : SCHEDULE_STEPS) {
      if (scaled > step) {
        p /= 2;
      }
    }
    return p;
  }

  private static float[] losses(float[] outputs, int n, Objective objective) {
    int k = n == 0 ? 0 : outputs.length / n;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = objective.loss(outputs, i * k, k, i);
    }
    return out;
  }

  /** {@code z_y − max_{c≠y} z_c}: negative once the sample is misclassified. */
  private static float margin(float[] outputs, int from, int k, int label) {
    float other = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      if (c != label) {
        other = Math.max(other, outputs[from + c]);
      }
    }
    return outputs[from + label] - other;
  }

  private static float clip(float clean, float delta, float lo, float hi) {
    return Math.min(Math.max(clean + delta, lo), hi);
  }

  private static float sign(SplittableRandom random, float eps) {
    return random.nextBoolean() ? eps : -eps;
  }

  /** Where proposals go: square windows of an image, or subsets of a table's features. */
  private interface Window {

    static Window of(InputShape shape) {
      return shape.dims().size() == 3
          ? new Squares(
              Math.toIntExact(shape.dims().get(0)),
              Math.toIntExact(shape.dims().get(1)),
              Math.toIntExact(shape.dims().get(2)))
          : new Features(shape.size());
    }

    /** The start: every column of every channel (every feature) moved by a random ±ε. */
    void stripes(
        float[] clean, float[] out, int at, float eps, float lo, float hi, SplittableRandom r);

    /** Changes {@code candidate} (a copy of the current best) where the proposal falls. */
    void propose(
        float[] clean,
        int cleanAt,
        float[] candidate,
        int at,
        double p,
        float eps,
        float lo,
        float hi,
        SplittableRandom random);
  }

  /** Channel-major images of {@code channels × height × width} values. */
  private record Squares(int channels, int height, int width) implements Window {

    @Override
    public void stripes(
        float[] clean, float[] out, int at, float eps, float lo, float hi, SplittableRandom r) {
      for (int c = 0; c < channels; c++) {
        for (int x = 0; x < width; x++) {
          float delta = sign(r, eps);
          for (int y = 0; y < height; y++) {
            int o = at + (c * height + y) * width + x;
            out[o] = clip(clean[o], delta, lo, hi);
          }
        }
      }
    }

    @Override
    public void propose(
        float[] clean,
        int cleanAt,
        float[] candidate,
        int at,
        double p,
        float eps,
        float lo,
        float hi,
        SplittableRandom random) {
      int side = (int) Math.round(Math.sqrt(p * height * width));
      side = Math.max(1, Math.min(side, Math.min(height, width) - 1));
      int top = random.nextInt(height - side + 1);
      int left = random.nextInt(width - side + 1);
      for (int attempt = 0; attempt < REDRAWS; attempt++) {
        boolean changed = false;
        for (int c = 0; c < channels; c++) {
          float delta = sign(random, eps);
          for (int y = top; y < top + side; y++) {
            for (int x = left; x < left + side; x++) {
              int offset = (c * height + y) * width + x;
              float value = clip(clean[cleanAt + offset], delta, lo, hi);
              changed |= value != candidate[at + offset];
              candidate[at + offset] = value;
            }
          }
        }
        if (changed) {
          return;
        }
      }
    }
  }

  /** Table rows of {@code features} values. */
  private record Features(int features) implements Window {

    @Override
    public void stripes(
        float[] clean, float[] out, int at, float eps, float lo, float hi, SplittableRandom r) {
      for (int j = 0; j < features; j++) {
        out[at + j] = clip(clean[at + j], sign(r, eps), lo, hi);
      }
    }

    @Override
    public void propose(
        float[] clean,
        int cleanAt,
        float[] candidate,
        int at,
        double p,
        float eps,
        float lo,
        float hi,
        SplittableRandom random) {
      int count = (int) Math.max(1, Math.min(features, Math.round(p * features)));
      int[] order = new int[features];
      for (int j = 0; j < features; j++) {
        order[j] = j;
      }
      for (int attempt = 0; attempt < REDRAWS; attempt++) {
        boolean changed = false;
        // The first `count` of a partial Fisher–Yates shuffle: a uniform subset.
        for (int j = 0; j < count; j++) {
          int pick = j + random.nextInt(features - j);
          int feature = order[pick];
          order[pick] = order[j];
          order[j] = feature;
          float value = clip(clean[cleanAt + feature], sign(random, eps), lo, hi);
          changed |= value != candidate[at + feature];
          candidate[at + feature] = value;
        }
        if (changed) {
          return;
        }
      }
    }
  }

  /** Settings of a {@link SquareAttack}; each setter checks its value. */
  public static final class Builder {
    private RunnableModel model;
    private Double epsilon;
    private int queries = DEFAULT_QUERIES;
    private double p = DEFAULT_P;
    private long seed;
    private double low = 0;
    private double high = 1;
    private Listener listener = (iteration, iterations, fooled, rows) -> {};

    private Builder() {}

    /** The model under attack; only its outputs are used. */
    public Builder setModel(RunnableModel model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** The L∞ budget, ≥ 0. */
    public Builder setEpsilon(double epsilon) {
      if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
        throw new IllegalArgumentException("epsilon must be finite and ≥ 0, got " + epsilon);
      }
      this.epsilon = epsilon;
      return this;
    }

    /** Model evaluations per sample, the start included; default {@value #DEFAULT_QUERIES}. */
    public Builder optQueries(int queries) {
      if (queries < 1 || queries > MAX_QUERIES) {
        throw new IllegalArgumentException(
            "squareQueries must be an integer 1..%d, got %d".formatted(MAX_QUERIES, queries));
      }
      this.queries = queries;
      return this;
    }

    /** The fraction of the input the first windows cover; default {@value #DEFAULT_P}. */
    public Builder optP(double p) {
      if (!(p > 0 && p <= 1)) {
        throw new IllegalArgumentException("squareP must be a number in (0, 1], got " + p);
      }
      this.p = p;
      return this;
    }

    /** Fixes the stripes and every proposal. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The valid inputs; default [0, 1]. */
    public Builder optRange(double low, double high) {
      if (!(low <= high)) {
        throw new IllegalArgumentException("need low ≤ high, got [%s, %s]".formatted(low, high));
      }
      this.low = low;
      this.high = high;
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalStateException when the model or ε is missing
     */
    public SquareAttack build() {
      if (model == null || epsilon == null) {
        throw new IllegalStateException("setModel and setEpsilon are required");
      }
      return new SquareAttack(this);
    }
  }
}
