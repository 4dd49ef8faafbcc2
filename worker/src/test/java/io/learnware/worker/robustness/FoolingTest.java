package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Models;
import io.learnware.worker.job.JobCancelledException;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.RunnableModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fooling search on the digits MLP (TorchScript and ONNX) and on plain Java classifiers. */
class FoolingTest {

  static final InputShape DIGITS = InputShape.table(64);

  static Fixtures.Digits train;
  static Fixtures.Digits test;
  static DataDistance distance;

  @BeforeAll
  static void data() {
    train = Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS);
    test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    distance = DataDistance.of(train.pixels(), 0);
  }

  static RunnableModel load(String file, ModelFormat format) throws ModelException {
    return Models.load(Fixtures.path("digits-mlp/" + file), format, DIGITS);
  }

  static Fooling.Result fool(Fooling.Classifier model, long seed) throws ModelException {
    return Fooling.builder().setModel(model).setInputShape(DIGITS).optSeed(seed).build().run();
  }

  /** The confidence of each class's best input, from a separate pass of a freshly loaded model. */
  static double[] freshConfidences(String file, ModelFormat format, Fooling.Result result)
      throws ModelException {
    int k = result.perClass().size();
    double[] rows = new double[k * 64];
    for (Fooling.ClassResult c : result.perClass()) {
      System.arraycopy(c.input(), 0, rows, c.index() * 64, 64);
    }
    try (RunnableModel model = load(file, format)) {
      float[][] outputs = model.predict(new Matrix(k, 64, rows));
      double[] confidence = new double[k];
      double[] p = new double[k];
      for (int c = 0; c < k; c++) {
        Fooling.softmax(outputs[c], p);
        confidence[c] = p[c];
      }
      return confidence;
    }
  }

  /** How far real test digits are from the training rows, relative to the typical distance. */
  static double largestRealRatio() {
    double largest = 0;
    double[] pixels = test.pixels().data();
    for (int i = 0; i < 360; i++) {
      double[] row = Arrays.copyOfRange(pixels, i * 64, (i + 1) * 64);
      largest = Math.max(largest, distance.nearest(row) / distance.typical());
    }
    return largest;
  }

  @Test
  void theDigitsMlpIsFooledFarFromTheData() throws Exception {
    Fooling.Result result;
    try (RunnableModel model = load("model.pt", ModelFormat.TORCHSCRIPT)) {
      result = fool(model::predict, 0);
    }
    for (Fooling.ClassResult c : result.perClass()) {
      System.out.printf(
          "digits-mlp class %d: fooled %s, confidence %.5f, generation %d, distance ratio %.2f%n",
          c.index(),
          c.fooled(),
          c.bestConfidence(),
          c.generations(),
          distance.nearest(c.input()) / distance.typical());
    }
    // Seed 0 fools every class within 15 generations of the default 500 (docs/robustness.md).
    assertThat(result.classesFooled()).isEqualTo(10);
    assertThat(result.generations()).isLessThan(Fooling.DEFAULT_GENERATIONS);
    assertThat(result.evaluations())
        .isEqualTo((long) Fooling.DEFAULT_POPULATION * (result.generations() + 1));
    double[] fresh = freshConfidences("model.pt", ModelFormat.TORCHSCRIPT, result);
    double realRatio = largestRealRatio();
    assertThat(realRatio).isBetween(1.0, 2.5);
    for (Fooling.ClassResult c : result.perClass()) {
      assertThat(Arrays.stream(c.input()).min().orElseThrow()).isGreaterThanOrEqualTo(0);
      assertThat(Arrays.stream(c.input()).max().orElseThrow()).isLessThanOrEqualTo(1);
      assertThat(fresh[c.index()]).as("class %d", c.index()).isGreaterThanOrEqualTo(0.99);
      assertThat(fresh[c.index()]).isCloseTo(c.bestConfidence(), within(1e-5));
      assertThat(c.generations()).isBetween(0, result.generations());
      // Farther from the training digits than any real test digit is.
      assertThat(distance.nearest(c.input()) / distance.typical())
          .as("class %d", c.index())
          .isGreaterThan(realRatio);
    }
  }

  @Test
  void theOnnxExportIsFooledToo() throws Exception {
    Fooling.Result result;
    try (RunnableModel model = load("model.onnx", ModelFormat.ONNX)) {
      result = fool(model::predict, 0);
    }
    assertThat(result.classesFooled()).isEqualTo(10);
    double[] fresh = freshConfidences("model.onnx", ModelFormat.ONNX, result);
    for (Fooling.ClassResult c : result.perClass()) {
      assertThat(fresh[c.index()]).isGreaterThanOrEqualTo(0.99);
    }
  }

  @Test
  void aSeedGivesTheSameSearch() throws Exception {
    try (RunnableModel model = load("model.pt", ModelFormat.TORCHSCRIPT)) {
      Fooling.Result first = fool(model::predict, 7);
      Fooling.Result again = fool(model::predict, 7);
      Fooling.Result other = fool(model::predict, 8);
      assertThat(again.generations()).isEqualTo(first.generations());
      for (int c = 0; c < 10; c++) {
        Fooling.ClassResult a = first.perClass().get(c);
        Fooling.ClassResult b = again.perClass().get(c);
        assertThat(b.input()).containsExactly(a.input());
        assertThat(b.bestConfidence()).isEqualTo(a.bestConfidence());
        assertThat(b.generations()).isEqualTo(a.generations());
      }
      assertThat(other.perClass().get(0).input()).isNotEqualTo(first.perClass().get(0).input());
    }
  }

  @Test
  void aModelThatIsNeverConfidentIsNotFooled() throws Exception {
    // Logits (3·mean(x), 0): class 0 is at most e³/(e³ + 1) = 0.9526 confident, at x = 1.
    double ceiling = Math.exp(3) / (Math.exp(3) + 1);
    Fooling.Classifier timid =
        inputs -> {
          float[][] out = new float[inputs.rows()][2];
          for (int i = 0; i < inputs.rows(); i++) {
            double sum = 0;
            for (int j = 0; j < inputs.columns(); j++) {
              sum += inputs.data()[i * inputs.columns() + j];
            }
            out[i][0] = (float) (3 * sum / inputs.columns());
          }
          return out;
        };
    Fooling.Result result =
        Fooling.builder()
            .setModel(timid)
            .setInputShape(InputShape.table(8))
            .optGenerations(200)
            .optPopulation(20)
            .build()
            .run();
    assertThat(result.classesFooled()).isZero();
    assertThat(result.generations()).isEqualTo(200);
    assertThat(result.evaluations()).isEqualTo(20L * 201);
    Fooling.ClassResult zero = result.perClass().get(0);
    Fooling.ClassResult one = result.perClass().get(1);
    assertThat(zero.fooled()).isFalse();
    assertThat(zero.generations()).isEqualTo(200);
    // Evolution climbs to the ceiling (all values near 1), which stays below the target.
    assertThat(zero.bestConfidence()).isCloseTo(ceiling, within(0.01)).isLessThan(0.99);
    assertThat(Arrays.stream(zero.input()).min().orElseThrow()).isGreaterThan(0.8);
    // Class 1 is best at x = 0: 1/(1 + e⁰) = 0.5.
    assertThat(one.bestConfidence()).isBetween(0.49, 0.5);

    Fooling.Classifier flat = inputs -> new float[inputs.rows()][10];
    Fooling.Result none =
        Fooling.builder().setModel(flat).setInputShape(DIGITS).optGenerations(5).build().run();
    assertThat(none.perClass())
        .allSatisfy(
            c -> {
              assertThat(c.fooled()).isFalse();
              assertThat(c.bestConfidence()).isCloseTo(0.1, within(1e-12));
              assertThat(c.generations()).isEqualTo(5);
            });
  }

  @Test
  void inputsStayInTheirRangePerValue() throws Exception {
    double[] low = new double[64];
    double[] high = new double[64];
    for (int j = 0; j < 64; j++) {
      low[j] = j < 32 ? -2 : 0.5;
      high[j] = j < 32 ? -1 : 3;
    }
    int[] calls = {0};
    Fooling.Classifier checking =
        inputs -> {
          calls[0]++;
          for (int i = 0; i < inputs.data().length; i++) {
            int j = i % 64;
            assertThat(inputs.data()[i]).isBetween(low[j], high[j]);
          }
          float[][] out = new float[inputs.rows()][3];
          for (int i = 0; i < inputs.rows(); i++) {
            out[i][i % 3] = 1;
          }
          return out;
        };
    Fooling.builder()
        .setModel(checking)
        .setInputShape(DIGITS)
        .optRange(low, high)
        .optGenerations(20)
        .optPopulation(10)
        .build()
        .run();
    assertThat(calls[0]).isEqualTo(21);
  }

  @Test
  void polynomialMutationStaysInRangeAndIsSmallOnAverage() {
    SplittableRandom random = new SplittableRandom(0);
    double sum = 0;
    for (int i = 0; i < 10_000; i++) {
      double x = Fooling.mutate(0.5, 0, 1, 15, random);
      assertThat(x).isBetween(0.0, 1.0);
      sum += Math.abs(x - 0.5);
    }
    // E|δ| = 1/(η + 2) for the polynomial distribution: 1/17.
    assertThat(sum / 10_000).isCloseTo(1.0 / 17, within(0.003));
  }

  @Test
  void theListenerHearsEveryGenerationAndCanStopTheSearch() throws Exception {
    Fooling.Classifier flat = inputs -> new float[inputs.rows()][2];
    List<Integer> generations = new ArrayList<>();
    assertThatThrownBy(
            () ->
                Fooling.builder()
                    .setModel(flat)
                    .setInputShape(DIGITS)
                    .optGenerations(100)
                    .optListener(
                        (generation, total, fooled, classes) -> {
                          generations.add(generation);
                          assertThat(total).isEqualTo(100);
                          assertThat(classes).isEqualTo(2);
                          if (generation == 3) {
                            throw new JobCancelledException();
                          }
                        })
                    .build()
                    .run())
        .isInstanceOf(JobCancelledException.class);
    assertThat(generations).containsExactly(1, 2, 3);
  }

  @Test
  void badSettingsAreRejected() {
    assertThatThrownBy(() -> Fooling.builder().optGenerations(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fooling generations must be an integer 1..10000, got 0");
    assertThatThrownBy(() -> Fooling.builder().optPopulation(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fooling population must be an integer 2..1000, got 1");
    assertThatThrownBy(
            () ->
                Fooling.builder()
                    .setModel(inputs -> new float[0][])
                    .setInputShape(DIGITS)
                    .optGenerations(200)
                    .optPopulation(1000)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "fooling needs at most 200000 model evaluations, population × (generations + 1);"
                + " 1000 × 201 is 201000");
    assertThatThrownBy(() -> Fooling.builder().setInputShape(DIGITS).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("setModel and setInputShape are required");
    assertThatThrownBy(() -> Fooling.builder().optRange(1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the input range needs finite low < high, got [1.0, 1.0]");
    assertThatThrownBy(
            () ->
                Fooling.builder()
                    .setModel(inputs -> new float[0][])
                    .setInputShape(DIGITS)
                    .optRange(new double[] {0}, new double[] {1})
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the range has bounds for 1 values; an input has 64");
  }

  @Test
  void modelsThatAreNotClassifiersFail() {
    assertThatThrownBy(() -> fool(inputs -> new float[inputs.rows()][1], 0))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "the model returned 1 output(s) per input; fooling needs a classifier with at least 2");
    assertThatThrownBy(
            () ->
                fool(
                    inputs -> {
                      float[][] out = new float[inputs.rows()][3];
                      out[0][1] = Float.NaN;
                      return out;
                    },
                    0))
        .isInstanceOf(ModelException.class)
        .hasMessage("the model returned NaN for an input in the valid range");
  }

  @Test
  void distancesAreToTheNearestRow() {
    Matrix data = Matrix.of(new double[][] {{0, 0}, {3, 4}, {3, 5}});
    DataDistance d = DataDistance.of(data, 0);
    // Nearest-neighbour distances 5, 1, 1: the median is 1.
    assertThat(d.typical()).isEqualTo(1.0);
    assertThat(d.nearest(new double[] {6, 8})).isEqualTo(Math.sqrt(9 + 9));
    assertThat(d.nearest(new double[] {0, 0})).isZero();
    assertThatThrownBy(() -> DataDistance.of(Matrix.of(new double[][] {{1, 2}}), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("distances to the data need at least 2 rows, got 1");
  }
}
