package io.learnware.worker.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.RealData;
import io.learnware.worker.Fixtures;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.TorchScriptBackbone;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The solved linear head against scikit-learn: for each task of {@code
 * fixtures/fashion-cnn/transfer-reference.json} ({@code fixtures/make_transfer_reference.py}: the
 * same rows, features, standardisation, penalties and folds, solved by {@code
 * LogisticRegressionCV}), the transfer job's model, saved and reloaded, classifies the task's test
 * rows within one point of scikit-learn's model on the backbone's features, and the job's baseline
 * within one point of scikit-learn's on the raw inputs.
 */
class TransferReferenceTest {

  private static final JsonNode REFERENCE = Fixtures.json("fashion-cnn/transfer-reference.json");

  /** One point of accuracy: the goal of issue 14, item 6. */
  private static final double POINT = 0.01;

  @TempDir Path dir;

  /** A task's labelled and test rows, as the reference script picks them. */
  private record Task(
      Matrix x,
      int[] labels,
      Matrix testX,
      int[] testLabels,
      List<String> classes,
      InputShape shape,
      Path backbone,
      int dimension) {}

  @BeforeAll
  static void header() {
    System.out.println(
        "| task | labelled rows | test rows | ours: transfer (λ, CV accuracy, refit iterations) |"
            + " scikit-learn: transfer (λ = 1/C, CV accuracy) | ours: baseline on raw inputs |"
            + " scikit-learn: baseline | job time (transfer + baseline) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
  }

  static Stream<String> tasks() {
    return StreamSupport.stream(REFERENCE.get("tasks").spliterator(), false)
        .map(t -> t.get("name").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tasks")
  void theSolvedHeadIsWithinOnePointOfScikitLearn(String name) throws Exception {
    JsonNode reference = task(name);
    Task task = rows(reference);
    int k = task.classes().size();
    assertThat(task.labels()).hasSize(reference.get("labelledRows").asInt());
    assertThat(task.testLabels()).hasSize(reference.get("testRows").asInt());

    long started = System.nanoTime();
    TransferResult result;
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.load(task.backbone(), task.shape(), task.dimension(), Device.cpu())) {
      result =
          Transfer.builder()
              .setBackbone(backbone)
              .setData(task.x(), task.labels(), task.classes())
              .setOutputDirectory(dir)
              .build()
              .run();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    TransferReport report = result.report();
    double ours;
    try (TransferredModel model =
        TransferredModel.load(
            result.artifact(), result.architecture(), task.shape(), k, Device.cpu())) {
      ours =
          FashionTransfer.accuracy(
              model.predict(task.testX().toFloatArray(), task.testLabels().length),
              task.testLabels());
    }

    // The job's baseline is not saved: solve it again the same way and classify the test rows.
    SoftmaxRegression.Solution raw =
        new SoftmaxRegression(task.x().toFloatArray(), task.shape().size(), task.labels(), k)
            .solve(
                SoftmaxRegression.Validation.crossValidation(
                    task.labels(), k, SoftmaxRegression.FOLDS),
                Lbfgs.Settings.MEASURE,
                Lbfgs.Settings.PRECISE,
                (done, step) -> {});
    assertThat(raw.accuracy()).isEqualTo(report.baselineAccuracy());
    assertThat(raw.penalty()).isEqualTo(report.baselineSolve().penalty());
    double oursRaw = accuracy(raw, task.testX(), task.testLabels());

    JsonNode sk = reference.get("transfer");
    JsonNode skRaw = reference.get("baseline");
    System.out.printf(
        "| %s | %d | %d | %.4f (λ %s, %.3f, %d) | %.4f (λ %s, %.3f) | %.4f (λ %s, %.3f, %d) |"
            + " %.4f (λ %s, %.3f) | %.1f s |%n",
        name,
        task.labels().length,
        task.testLabels().length,
        ours,
        SoftmaxRegression.plain(report.solve().penalty()),
        report.accuracy(),
        report.solve().iterations(),
        sk.get("testAccuracy").asDouble(),
        SoftmaxRegression.plain(sk.get("penalty").asDouble()),
        sk.get("cvAccuracy").asDouble(),
        oursRaw,
        SoftmaxRegression.plain(report.baselineSolve().penalty()),
        report.baselineAccuracy(),
        report.baselineSolve().iterations(),
        skRaw.get("testAccuracy").asDouble(),
        SoftmaxRegression.plain(skRaw.get("penalty").asDouble()),
        skRaw.get("cvAccuracy").asDouble(),
        seconds);

    assertThat(report.solver()).isEqualTo(TransferReport.LBFGS);
    assertThat(report.validation()).isEqualTo("5-fold cross-validation");
    assertThat(report.trainRows()).isEqualTo(task.labels().length);
    assertThat(report.validationRows()).isEqualTo(task.labels().length);
    assertThat(report.solve().converged()).isTrue();
    assertThat(report.baselineSolve().converged()).isTrue();
    assertThat(report.accuracy()).isCloseTo(sk.get("cvAccuracy").asDouble(), within(POINT));
    assertThat(report.baselineAccuracy())
        .isCloseTo(skRaw.get("cvAccuracy").asDouble(), within(POINT));
    assertThat(ours).isCloseTo(sk.get("testAccuracy").asDouble(), within(POINT));
    assertThat(oursRaw).isCloseTo(skRaw.get("testAccuracy").asDouble(), within(POINT));
  }

  private static JsonNode task(String name) {
    for (JsonNode task : REFERENCE.get("tasks")) {
      if (task.get("name").asText().equals(name)) {
        return task;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** The rows the reference script picks (its docstring), labels as indices into the classes. */
  private static Task rows(JsonNode reference) {
    List<Integer> classes = new ArrayList<>();
    reference.get("classes").forEach(c -> classes.add(c.asInt()));
    List<String> names = new ArrayList<>();
    reference.get("labels").forEach(l -> names.add(l.asText()));
    if (reference.get("data").asText().equals("fashion")) {
      // The first 100 training images of each class (the committed extract), all t10k images.
      RealData.Labelled train = FashionTransfer.newClassTraining().where(classes::contains);
      RealData.Labelled test = RealData.fashionTest().where(classes::contains);
      return new Task(
          train.x(),
          indices(train.labels(), classes),
          test.x(),
          indices(test.labels(), classes),
          names,
          FashionTransfer.IMAGE,
          FashionTransfer.extractor(),
          FashionTransfer.FEATURES);
    }
    // The first 30 rows of each digit among the training rows, the 360 test rows.
    Fixtures.Digits train = Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS);
    int[] seen = new int[10];
    List<Integer> picked = new ArrayList<>();
    for (int i = 0; i < train.labels().length; i++) {
      if (seen[train.labels()[i]]++ < 30) {
        picked.add(i);
      }
    }
    RealData.Labelled labelled =
        new RealData.Labelled(train.pixels(), train.labels())
            .rows(picked.stream().mapToInt(Integer::intValue).toArray());
    Fixtures.Digits test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, 1797);
    return new Task(
        labelled.x(),
        labelled.labels(),
        test.pixels(),
        test.labels(),
        names,
        InputShape.table(64),
        Fixtures.path("digits-mlp/features.pt"),
        32);
  }

  private static int[] indices(int[] labels, List<Integer> classes) {
    int[] out = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = classes.indexOf(labels[i]);
    }
    return out;
  }

  /** A solved head's accuracy on rows, computed from its (unstandardised) weights. */
  static double accuracy(SoftmaxRegression.Solution solution, Matrix x, int[] labels) {
    int k = solution.bias().length;
    int d = x.columns();
    float[] logits = new float[labels.length * k];
    for (int i = 0; i < labels.length; i++) {
      for (int c = 0; c < k; c++) {
        double z = solution.bias()[c];
        for (int j = 0; j < d; j++) {
          z += solution.weights()[c * d + j] * x.get(i, j);
        }
        logits[i * k + c] = (float) z;
      }
    }
    return FashionTransfer.accuracy(logits, labels);
  }
}
