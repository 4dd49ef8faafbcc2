package io.learnware.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.Models;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.network.StudentSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distillation of the digits fixture's teacher (test accuracy 0.9167 on rows 1437..1796) into
 * students, with real numbers: the thresholds sit a little below what this machine measured (noted
 * per test) so that other machines' floating point does not fail them.
 */
class DistillationTest {

  private static Teacher teacher;
  private static Digits.Rows train;
  private static Digits.Rows test;
  private static float[] teacherTestLogits;

  @TempDir Path dir;

  @BeforeAll
  static void loadTeacher() {
    teacher = Digits.teacher();
    train = Digits.train();
    test = Digits.test();
    teacherTestLogits = teacher.outputs(test.floats(), test.size());
  }

  @AfterAll
  static void closeTeacher() {
    teacher.close();
  }

  private Distillation.Builder mlp(List<Integer> hidden) {
    return Distillation.builder()
        .setTeacher(teacher)
        .setStudent(new StudentSpec.Mlp(hidden))
        .setOutputDirectory(dir)
        .optSeed(7);
  }

  /** Student logits on the test rows, from the saved artifact. */
  private static float[] testLogits(DistillationResult result) throws Exception {
    try (RunnableModel student =
        Models.load(
            result.artifact(),
            result.format(),
            result.architecture(),
            InputShape.table(Digits.PIXELS),
            Digits.CLASSES)) {
      return student.predict(test.floats(), test.size());
    }
  }

  private static double testFidelity(float[] studentLogits) {
    return SoftTargets.agreement(
        SoftTargets.argmax(studentLogits, Digits.CLASSES),
        SoftTargets.argmax(teacherTestLogits, Digits.CLASSES));
  }

  @Test
  void mlpStudentLearnsTheTeacherFromItsTrainingRows() throws Exception {
    // With two intra-op threads configured, batches this small train on one, and the setting is
    // restored afterwards.
    int configured = JniUtils.getNumThreads();
    int[] during = new int[1];
    DistillationResult result;
    JniUtils.setNumThreads(2);
    try {
      result =
          mlp(List.of(32))
              .setTransferSet(train.x(), train.labels())
              .optListener((epoch, epochs, batch, batches) -> during[0] = JniUtils.getNumThreads())
              .build()
              .run();
      assertThat(during[0]).isEqualTo(1);
      assertThat(JniUtils.getNumThreads()).isEqualTo(2);
    } finally {
      JniUtils.setNumThreads(configured);
    }
    DistillationReport report = result.report();

    // Measured here: held-out fidelity 0.993, accuracy 0.993, teacher 1.0, KL 0.0024.
    assertThat(report.trainRows()).isEqualTo(1150);
    assertThat(report.heldOutRows()).isEqualTo(287);
    assertThat(report.fidelity()).isGreaterThanOrEqualTo(0.97);
    assertThat(report.accuracy()).isGreaterThanOrEqualTo(0.96);
    assertThat(report.teacherAccuracy()).isGreaterThanOrEqualTo(0.97);
    assertThat(report.kl()).isBetween(0.0, 0.02);
    assertThat(report.alpha()).isEqualTo(0.9);
    // Same layer sizes as the teacher (64-32-10): 2,410 parameters each.
    assertThat(report.studentParameters()).isEqualTo(2410);
    assertThat(report.parameterRatio()).isEqualTo(1.0);
    // DJL's .params file is smaller than TorchScript's zip with code.
    assertThat(report.sizeRatio()).isBetween(0.5, 1.0);
    assertThat(report.latencyRatio()).isPositive();
    assertThat(report.history()).hasSize(Distillation.DEFAULT_EPOCHS);
    assertThat(report.history().getLast().loss())
        .isLessThan(report.history().getFirst().loss() / 10);

    assertThat(result.format()).isEqualTo(ModelFormat.DJL);
    assertThat(result.architecture().toString()).isEqualTo("{\"type\":\"mlp\",\"hidden\":[32]}");
    byte[] head = Arrays.copyOf(Files.readAllBytes(result.artifact()), 4);
    assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("DJL@");

    // On the 360 test rows, which neither model trained on. Measured: accuracy 0.911 (the
    // teacher 0.917), fidelity 0.978.
    float[] logits = testLogits(result);
    assertThat(Digits.accuracy(logits, test.labels())).isGreaterThanOrEqualTo(0.88);
    assertThat(testFidelity(logits)).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void smallerStudentHasFewerParameters() throws Exception {
    DistillationResult result =
        mlp(List.of(16)).setTransferSet(train.x(), null).optEpochs(40).build().run();
    DistillationReport report = result.report();
    // 64·16 + 16 + 16·10 + 10 = 1,210 of the teacher's 2,410.
    assertThat(report.studentParameters()).isEqualTo(1210);
    assertThat(report.parameterRatio()).isCloseTo(1210.0 / 2410, within(1e-12));
    assertThat(report.accuracy()).isNull();
    assertThat(report.alpha()).isEqualTo(1.0);
    // Measured: held-out fidelity 0.993, test accuracy 0.908.
    assertThat(report.fidelity()).isGreaterThanOrEqualTo(0.95);
    assertThat(Digits.accuracy(testLogits(result), test.labels())).isGreaterThanOrEqualTo(0.85);
  }

  @Test
  void dataFreeDistillationFromAnRkmeOfTheTrainingRows() throws Exception {
    Rkme rkme = Rkme.builder().setData(train.x()).optSeed(1).build();
    DistillationResult result = mlp(List.of(32)).setDataFree(rkme, 2000).build().run();
    DistillationReport report = result.report();
    assertThat(report.dataFree()).isTrue();
    assertThat(report.accuracy()).isNull();
    assertThat(report.trainRows() + report.heldOutRows()).isEqualTo(2000);
    assertThat(result.transferSet().rows()).isEqualTo(2000);
    // Measured: test accuracy 0.908 and fidelity 0.978 without a single real row (chance: 0.1).
    float[] logits = testLogits(result);
    assertThat(Digits.accuracy(logits, test.labels())).isGreaterThanOrEqualTo(0.8);
    assertThat(testFidelity(logits)).isGreaterThanOrEqualTo(0.85);
  }

  @Test
  void gbdtStudentWithDart() throws Exception {
    DistillationResult result =
        Distillation.builder()
            .setTeacher(teacher)
            .setStudent(new StudentSpec.Gbdt(60, 4, true))
            .setTransferSet(train.x(), train.labels())
            .setOutputDirectory(dir)
            .build()
            .run();
    DistillationReport report = result.report();
    assertThat(result.format()).isEqualTo(ModelFormat.XGBOOST);
    assertThat(result.artifact().getFileName().toString()).isEqualTo("student.ubj");
    // One multi-target model: XGBoost itself predicts ten logits per row from the file.
    var booster = XGBoost.loadModel(Files.readAllBytes(result.artifact()));
    assertThat(booster.inplace_predict(new float[64], 1, 64, Float.NaN)[0]).hasSize(10);
    booster.dispose();
    assertThat(report.history()).hasSize(60);
    assertThat(report.history().getLast().loss()).isLessThan(report.history().getFirst().loss());
    // Ten trees per round, each at most 2^5 − 1 nodes at depth 4.
    assertThat(report.studentParameters()).isBetween(600L * 3, 600L * 31);
    // Trees fit the logits only: the labels give the report accuracies but no hard term.
    assertThat(report.alpha()).isEqualTo(1.0);
    assertThat(report.teacherAccuracy()).isNotNull();
    // Measured: held-out fidelity 0.913, test accuracy 0.844, test fidelity 0.847.
    assertThat(report.fidelity()).isGreaterThanOrEqualTo(0.88);
    float[] logits = testLogits(result);
    assertThat(Digits.accuracy(logits, test.labels())).isGreaterThanOrEqualTo(0.8);
    assertThat(testFidelity(logits)).isGreaterThanOrEqualTo(0.8);
  }

  @Test
  void sameSeedSameStudent() throws Exception {
    List<List<DistillationReport.Epoch>> histories = new ArrayList<>();
    List<byte[]> artifacts = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      DistillationResult result =
          mlp(List.of(8))
              .setTransferSet(train.x(), train.labels())
              .setOutputDirectory(dir.resolve("run" + run))
              .optEpochs(3)
              .build()
              .run();
      histories.add(result.report().history());
      artifacts.add(Files.readAllBytes(result.artifact()));
    }
    assertThat(histories.get(1)).isEqualTo(histories.get(0));
    assertThat(artifacts.get(1)).isEqualTo(artifacts.get(0));
  }

  @Test
  void memoryStaysFlatOverThousandsOfBatches() throws Exception {
    NDManager system = Engine.getEngine("PyTorch").newBaseManager().getParentManager();
    long[] live = new long[2];
    int[] seen = new int[1];
    mlp(List.of(8))
        .setTransferSet(train.x(), train.labels())
        .optBatchSize(1)
        .optEpochs(2)
        .optListener(
            (epoch, epochs, batch, batches) -> {
              seen[0]++;
              if (seen[0] == 100) {
                live[0] = ((BaseNDManager) system).getManagedArrays().size();
              }
              live[1] = ((BaseNDManager) system).getManagedArrays().size();
            })
        .build()
        .run();
    assertThat(seen[0]).isEqualTo(2 * 1150);
    assertThat(live[0]).isPositive();
    assertThat(live[1]).isEqualTo(live[0]);
  }

  @Test
  void badSettingsFailWithTheirNames() {
    Distillation.Builder builder = Distillation.builder();
    assertThatThrownBy(() -> builder.optTemperature(0))
        .hasMessage("temperature must be a number in (0, 1000], got 0.0");
    assertThatThrownBy(() -> builder.optAlpha(1.5))
        .hasMessage("alpha must be a number in [0, 1], got 1.5");
    assertThatThrownBy(() -> builder.optEpochs(0)).hasMessage("epochs must be 1..10000, got 0");
    assertThatThrownBy(() -> builder.optBatchSize(-1))
        .hasMessage("batchSize must be 1..65536, got -1");
    assertThatThrownBy(() -> builder.optLearningRate(Double.NaN))
        .hasMessage("learningRate must be a number in (0, 10], got NaN");
    assertThatThrownBy(() -> builder.optValidationSplit(0.9))
        .hasMessage("validationSplit must be a number in [0.01, 0.5], got 0.9");
    assertThatThrownBy(() -> builder.setDataFree(Rkme.builder().setData(train.x()).build(), 1))
        .hasMessage("transferSize must be 2..20000, got 1");
  }

  @Test
  void transferSetsThatDoNotFitTheTeacher() {
    Matrix narrow = Matrix.zeros(10, 63);
    assertThatThrownBy(() -> mlp(List.of(8)).setTransferSet(narrow, null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the transfer set has 63 columns, the teacher takes 64 inputs");
    Matrix holes = Matrix.zeros(10, 64);
    holes.data()[2 * 64 + 5] = Double.NaN;
    assertThatThrownBy(() -> mlp(List.of(8)).setTransferSet(holes, null))
        .hasMessage(
            "transfer row 3, column 6 is missing or not finite; distillation needs complete rows");
    int[] labels = new int[10];
    labels[4] = 10;
    assertThatThrownBy(() -> mlp(List.of(8)).setTransferSet(Matrix.zeros(10, 64), labels).build())
        .hasMessage("label 10 of transfer row 5 is not a class index 0..9");
    assertThatThrownBy(() -> mlp(List.of(8)).setTransferSet(Matrix.zeros(1, 64), null).build())
        .hasMessage("the transfer set needs at least 2 rows (one to train on, one to hold out)");
    assertThatThrownBy(() -> Distillation.builder().setTeacher(teacher).build())
        .isInstanceOf(IllegalStateException.class);
  }
}
