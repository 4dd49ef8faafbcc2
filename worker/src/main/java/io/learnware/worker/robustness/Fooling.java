package io.learnware.worker.robustness;

import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The fooling test of Nguyen, Yosinski &amp; Clune, <i>Deep Neural Networks are Easily Fooled: High
 * Confidence Predictions for Unrecognizable Images</i> (CVPR 2015): an evolutionary search, with no
 * gradients (so it works for any model the worker can run), for inputs the classifier gives a class
 * with confidence ≥ the target (softmax of its outputs, default 0.99).
 *
 * <p>As the paper's MNIST experiment: MAP-Elites with one cell per class and a direct encoding
 * (each gene one input value, uniform in the valid range at the start). Every generation, {@code
 * population} offspring are bred, each from the elite of a class drawn uniformly among the classes
 * not yet fooled, by mutating each gene with probability {@code mutationRate} (halved every 1,000
 * generations, as in the paper) with Deb's polynomial mutation of distribution index {@code
 * mutationStrength} (15 in the paper). The whole generation is scored in one batch, and an
 * offspring replaces the elite of every unfooled class it scores higher on (which is how a good "3"
 * can seed the "8"s). A class stops once its elite reaches the target; the search stops when every
 * class has, or after {@code generations}.
 *
 * <pre>{@code
 * Fooling.Result result = Fooling.builder()
 *     .setModel(model::predict)
 *     .setInputShape(InputShape.table(64))
 *     .optRange(0, 1).optSeed(0)
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p>Deterministic for a seed when the model is (the same inputs in the same batches).
 */
public final class Fooling {

  public static final int DEFAULT_GENERATIONS = 500;
  public static final int DEFAULT_POPULATION = 100;
  public static final double DEFAULT_TARGET = 0.99;
  public static final double DEFAULT_MUTATION_RATE = 0.1;
  public static final double DEFAULT_MUTATION_STRENGTH = 15;
  public static final int MAX_GENERATIONS = 10_000;
  public static final int MAX_POPULATION = 1_000;

  /**
   * At most this many model evaluations, {@code population × (generations + 1)}: four times the
   * default budget, so that a job's cost is bounded by the model's cost per input (on digits-cnn
   * the default budget takes about 0.2 s on one CPU thread; docs/benchmarks.md).
   */
  public static final long MAX_EVALUATIONS = 200_000;

  /** The paper halves the mutation rate every this many generations. */
  private static final int HALVING_GENERATIONS = 1000;

  /** The model under test: one output vector (logits) per input row. */
  @FunctionalInterface
  public interface Classifier {
    float[][] outputs(Matrix inputs) throws ModelException;
  }

  /** Hears progress after every generation; throwing from it (e.g. on cancellation) stops. */
  @FunctionalInterface
  public interface Listener {
    void generationDone(int generation, int generations, int classesFooled, int classes);
  }

  /**
   * What the search found for one class.
   *
   * @param index the class (output component)
   * @param fooled whether {@code bestConfidence} reached the target
   * @param bestConfidence the highest softmax probability of this class over every input evaluated
   * @param generations the generation in which the target was reached (0: by a random initial
   *     input), else the number of generations run
   * @param input the input that scored {@code bestConfidence}, flattened as the model's rows
   */
  public record ClassResult(
      int index, boolean fooled, double bestConfidence, int generations, double[] input) {}

  /**
   * @param perClass one entry per class, in class order
   * @param generations generations run (fewer than the budget when every class was fooled early)
   * @param evaluations inputs the model scored
   */
  public record Result(List<ClassResult> perClass, int generations, long evaluations) {
    public int classesFooled() {
      return (int) perClass.stream().filter(ClassResult::fooled).count();
    }
  }

  private final Builder settings;

  private Fooling(Builder settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the search.
   *
   * @throws ModelException when the model fails, returns a different number of rows or classes
   *     across calls, fewer than two classes, or a value that is not finite
   */
  public Result run() throws ModelException {
    int d = settings.inputShape.size();
    int n = settings.population;
    double[] low = settings.low(d);
    double[] high = settings.high(d);
    SplittableRandom random = new SplittableRandom(settings.seed);

    double[] population = new double[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        population[i * d + j] = low[j] + random.nextDouble() * (high[j] - low[j]);
      }
    }
    float[][] outputs = evaluate(population, n, d, -1);
    int k = outputs[0].length;
    double[][] elites = new double[k][d];
    double[] best = new double[k];
    Arrays.fill(best, -1);
    int[] doneAt = new int[k];
    Arrays.fill(doneAt, -1);
    update(population, outputs, d, elites, best, doneAt, 0);

    int generation = 0;
    int[] open = new int[k];
    while (generation < settings.generations) {
      int openCount = 0;
      for (int c = 0; c < k; c++) {
        if (doneAt[c] < 0) {
          open[openCount++] = c;
        }
      }
      if (openCount == 0) {
        break;
      }
      generation++;
      double rate = settings.mutationRate * Math.pow(0.5, (generation - 1) / HALVING_GENERATIONS);
      for (int i = 0; i < n; i++) {
        double[] parent = elites[open[random.nextInt(openCount)]];
        for (int j = 0; j < d; j++) {
          double gene = parent[j];
          if (random.nextDouble() < rate) {
            gene = mutate(gene, low[j], high[j], settings.mutationStrength, random);
          }
          population[i * d + j] = gene;
        }
      }
      update(population, evaluate(population, n, d, k), d, elites, best, doneAt, generation);
      settings.listener.generationDone(generation, settings.generations, k - countOpen(doneAt), k);
    }

    List<ClassResult> perClass = new ArrayList<>(k);
    for (int c = 0; c < k; c++) {
      boolean fooled = doneAt[c] >= 0;
      perClass.add(
          new ClassResult(c, fooled, best[c], fooled ? doneAt[c] : generation, elites[c].clone()));
    }
    return new Result(List.copyOf(perClass), generation, (long) n * (generation + 1));
  }

  private static int countOpen(int[] doneAt) {
    int open = 0;
    for (int at : doneAt) {
      if (at < 0) {
        open++;
      }
    }
    return open;
  }

  /** The model's outputs for the n rows; {@code k} the number of classes, or −1 at the start. */
  private float[][] evaluate(double[] population, int n, int d, int k) throws ModelException {
    float[][] outputs = settings.classifier.outputs(new Matrix(n, d, population));
    if (outputs.length != n) {
      throw new ModelException(
          "the model returned %d rows for %d inputs".formatted(outputs.length, n));
    }
    int classes = k < 0 ? outputs[0].length : k;
    if (classes < 2) {
      throw new ModelException(
          "the model returned %d output(s) per input; fooling needs a classifier with at least 2"
              .formatted(classes));
    }
    for (float[] row : outputs) {
      if (row.length != classes) {
        throw new ModelException(
            "the model returned %d outputs for one input and %d for another"
                .formatted(classes, row.length));
      }
      for (float value : row) {
        if (!Float.isFinite(value)) {
          throw new ModelException(
              "the model returned %s for an input in the valid range".formatted(value));
        }
      }
    }
    return outputs;
  }

  /** Offspring replace the elites of the open classes they beat; classes at the target close. */
  private void update(
      double[] population,
      float[][] outputs,
      int d,
      double[][] elites,
      double[] best,
      int[] doneAt,
      int generation) {
    int k = best.length;
    double[] p = new double[k];
    for (int i = 0; i < outputs.length; i++) {
      softmax(outputs[i], p);
      for (int c = 0; c < k; c++) {
        if (doneAt[c] < 0 && p[c] > best[c]) {
          best[c] = p[c];
          System.arraycopy(population, i * d, elites[c], 0, d);
        }
      }
    }
    for (int c = 0; c < k; c++) {
      if (doneAt[c] < 0 && best[c] >= settings.target) {
        doneAt[c] = generation;
      }
    }
  }

  /** The softmax of float logits, in double (max subtracted, so large logits do not overflow). */
  public static void softmax(float[] logits, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (float z : logits) {
      max = Math.max(max, z);
    }
    double sum = 0;
    for (int c = 0; c < logits.length; c++) {
      out[c] = Math.exp(logits[c] - max);
      sum += out[c];
    }
    for (int c = 0; c < logits.length; c++) {
      out[c] /= sum;
    }
  }

  /**
   * Deb's polynomial mutation: x + δ·(high − low), δ ∈ [−1, 1] with density ∝ (1 − |δ|)^η, clipped
   * to the range; larger η keeps δ smaller.
   */
  static double mutate(double x, double low, double high, double eta, SplittableRandom random) {
    double u = random.nextDouble();
    double delta =
        u < 0.5 ? Math.pow(2 * u, 1 / (eta + 1)) - 1 : 1 - Math.pow(2 * (1 - u), 1 / (eta + 1));
    return Math.min(high, Math.max(low, x + delta * (high - low)));
  }

  /**
   * Rejects a budget of more than {@link #MAX_EVALUATIONS} model evaluations, before anything is
   * loaded.
   *
   * @throws IllegalArgumentException with the reason
   */
  public static void checkBudget(int population, int generations) {
    long evaluations = (long) population * (generations + 1L);
    if (evaluations > MAX_EVALUATIONS) {
      throw new IllegalArgumentException(
          ("fooling needs at most %d model evaluations, population × (generations + 1);"
                  + " %d × %d is %d")
              .formatted(MAX_EVALUATIONS, population, generations + 1L, evaluations));
    }
  }

  /** Required: {@link #setModel} and {@link #setInputShape}; the rest have the defaults above. */
  public static final class Builder {
    private Classifier classifier;
    private InputShape inputShape;
    private int generations = DEFAULT_GENERATIONS;
    private int population = DEFAULT_POPULATION;
    private long seed;
    private double target = DEFAULT_TARGET;
    private double mutationRate = DEFAULT_MUTATION_RATE;
    private double mutationStrength = DEFAULT_MUTATION_STRENGTH;
    private double rangeLow = 0;
    private double rangeHigh = 1;
    private double[] lows;
    private double[] highs;
    private Listener listener = (generation, generations, fooled, classes) -> {};

    private Builder() {}

    /** The model: e.g. {@code loadedModel::predict}. */
    public Builder setModel(Classifier classifier) {
      this.classifier = Objects.requireNonNull(classifier, "classifier");
      return this;
    }

    public Builder setInputShape(InputShape inputShape) {
      this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
      return this;
    }

    /** Generations after the random start; default {@value #DEFAULT_GENERATIONS}. */
    public Builder optGenerations(int generations) {
      if (generations < 1 || generations > MAX_GENERATIONS) {
        throw new IllegalArgumentException(
            "fooling generations must be an integer 1..%d, got %d"
                .formatted(MAX_GENERATIONS, generations));
      }
      this.generations = generations;
      return this;
    }

    /** Offspring per generation (and random inputs at the start); default 100. */
    public Builder optPopulation(int population) {
      if (population < 2 || population > MAX_POPULATION) {
        throw new IllegalArgumentException(
            "fooling population must be an integer 2..%d, got %d"
                .formatted(MAX_POPULATION, population));
      }
      this.population = population;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The confidence that counts as fooled; default {@value #DEFAULT_TARGET}. */
    public Builder optTarget(double target) {
      if (!(target > 0 && target <= 1)) {
        throw new IllegalArgumentException("target must be in (0, 1], got " + target);
      }
      this.target = target;
      return this;
    }

    /** The probability that a gene mutates in the first 1,000 generations; default 0.1. */
    public Builder optMutationRate(double rate) {
      if (!(rate > 0 && rate <= 1)) {
        throw new IllegalArgumentException("mutation rate must be in (0, 1], got " + rate);
      }
      this.mutationRate = rate;
      return this;
    }

    /** The polynomial mutation's distribution index η; default 15 (the paper's). */
    public Builder optMutationStrength(double eta) {
      if (!(eta >= 0) || Double.isInfinite(eta)) {
        throw new IllegalArgumentException("mutation strength must be finite and ≥ 0, got " + eta);
      }
      this.mutationStrength = eta;
      return this;
    }

    /** The valid values of every input component; default [0, 1]. */
    public Builder optRange(double low, double high) {
      if (!(low < high) || Double.isInfinite(low) || Double.isInfinite(high)) {
        throw new IllegalArgumentException(
            "the input range needs finite low < high, got [%s, %s]".formatted(low, high));
      }
      this.rangeLow = low;
      this.rangeHigh = high;
      this.lows = null;
      this.highs = null;
      return this;
    }

    /**
     * The valid values per input component (e.g. per channel after a normalisation), one bound each
     * for every value of a flattened input.
     */
    public Builder optRange(double[] low, double[] high) {
      if (low.length != high.length) {
        throw new IllegalArgumentException(
            "%d lower and %d upper bounds".formatted(low.length, high.length));
      }
      for (int j = 0; j < low.length; j++) {
        if (!(low[j] < high[j]) || Double.isInfinite(low[j]) || Double.isInfinite(high[j])) {
          throw new IllegalArgumentException(
              "input value %d: the range needs finite low < high, got [%s, %s]"
                  .formatted(j, low[j], high[j]));
        }
      }
      this.lows = low.clone();
      this.highs = high.clone();
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalStateException if the model or the input shape is missing
     * @throws IllegalArgumentException if the budget exceeds {@link #MAX_EVALUATIONS} or the
     *     per-value range does not fit the input shape
     */
    public Fooling build() {
      if (classifier == null || inputShape == null) {
        throw new IllegalStateException("setModel and setInputShape are required");
      }
      checkBudget(population, generations);
      if (lows != null && lows.length != inputShape.size()) {
        throw new IllegalArgumentException(
            "the range has bounds for %d values; an input has %d"
                .formatted(lows.length, inputShape.size()));
      }
      return new Fooling(this);
    }

    private double[] low(int d) {
      if (lows != null) {
        return lows;
      }
      double[] out = new double[d];
      Arrays.fill(out, rangeLow);
      return out;
    }

    private double[] high(int d) {
      if (highs != null) {
        return highs;
      }
      double[] out = new double[d];
      Arrays.fill(out, rangeHigh);
      return out;
    }
  }
}
