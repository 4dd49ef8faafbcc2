package io.learnware.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learnware.spec.ModelFormat;
import io.learnware.worker.Models;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.network.StudentSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distillation of the image teacher {@code digits-cnn/model.pt} (1×8×8 digits, test accuracy
 * 0.9306) into cnn students, with real numbers measured on this machine (noted per assertion; the
 * thresholds sit a little below them).
 */
class CnnDistillationTest {

  static final Path CNN_TEACHER = Digits.FIXTURES.resolve("digits-cnn/model.pt");
  static final InputShape IMAGE = InputShape.image(1, 8, 8);

  private static Teacher teacher;
  private static Digits.Rows train;
  private static Digits.Rows test;
  private static float[] teacherTestLogits;

  @TempDir static Path dir;

  /** One distillation shared by the tests: cnn [4, 8], 15 epochs on the 1,437 training rows. */
  private static DistillationResult result;

  @BeforeAll
  static void distil() throws Exception {
    teacher = Teacher.load(CNN_TEACHER, ModelFormat.TORCHSCRIPT, IMAGE, Digits.CLASSES);
    train = Digits.train();
    test = Digits.test();
    teacherTestLogits = teacher.outputs(test.floats(), test.size());
    result =
        Distillation.builder()
            .setTeacher(teacher)
            .setTransferSet(train.x(), train.labels())
            .setStudent(new StudentSpec.Cnn(List.of(4, 8)))
            .setOutputDirectory(dir.resolve("cnn"))
            .optEpochs(15)
            .optSeed(7)
            .build()
            .run();
  }

  @AfterAll
  static void closeTeacher() {
    teacher.close();
  }

  private static RunnableModel load(DistillationResult result) throws Exception {
    return Models.load(
        result.artifact(), result.format(), result.architecture(), IMAGE, Digits.CLASSES);
  }

  @Test
  void teacherIsTheFixture() {
    // fixtures/digits-cnn/expected.json: 0.930556 on the 360 test rows.
    assertThat(Digits.accuracy(teacherTestLogits, test.labels()))
        .isCloseTo(0.930556, org.assertj.core.api.Assertions.within(1e-4));
  }

  @Test
  void cnnStudentFollowsTheTeacherOnUnseenRows() throws Exception {
    assertThat(result.format()).isEqualTo(ModelFormat.DJL);
    assertThat(result.architecture().toString()).isEqualTo("{\"type\":\"cnn\",\"channels\":[4,8]}");
    DistillationReport report = result.report();
    System.out.printf(
        "cnn [4, 8]: held-out fidelity %.4f, accuracy %.4f (teacher %.4f), parameters %d/%d%n",
        report.fidelity(),
        report.accuracy(),
        report.teacherAccuracy(),
        report.studentParameters(),
        report.teacherParameters());
    // conv 1→4 (40) + conv 4→8 (296) + linear 8·2·2→10 (330).
    assertThat(report.studentParameters()).isEqualTo(666);
    assertThat(report.teacherParameters()).isEqualTo(1370L);
    float[] logits;
    try (RunnableModel student = load(result)) {
      logits = student.predict(test.floats(), test.size());
    }
    double fidelity =
        SoftTargets.agreement(
            SoftTargets.argmax(logits, Digits.CLASSES),
            SoftTargets.argmax(teacherTestLogits, Digits.CLASSES));
    double accuracy = Digits.accuracy(logits, test.labels());
    System.out.printf("cnn [4, 8]: test fidelity %.4f, test accuracy %.4f%n", fidelity, accuracy);
    // Measured: held-out fidelity 0.9791; on the 360 test rows fidelity 0.9333, accuracy 0.9028
    // (the teacher's 0.9306; the student has half its parameters).
    assertThat(report.fidelity()).isGreaterThanOrEqualTo(0.95);
    assertThat(fidelity).isGreaterThanOrEqualTo(0.9);
    assertThat(accuracy).isGreaterThanOrEqualTo(0.87);
  }

  @Test
  void roundTripGivesTheSameLogits() throws Exception {
    float[] rows = test.floats();
    float[] first;
    try (RunnableModel student = load(result)) {
      first = student.predict(rows, test.size());
      assertThat(student.parameterCount()).hasValue(666);
    }
    try (RunnableModel student = load(result)) {
      assertThat(student.predict(rows, test.size())).containsExactly(first);
    }
  }

  @Test
  void loadingChecksTheShapes() {
    // Another channel list, another image size, or no image shape at all: refused, not run.
    assertThatThrownBy(
            () ->
                Models.load(
                    result.artifact(),
                    ModelFormat.DJL,
                    new StudentSpec.Cnn(List.of(4, 16)).architecture(),
                    IMAGE,
                    Digits.CLASSES))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("does not hold the parameters of cnn [4, 16] with 10 outputs");
    assertThatThrownBy(
            () ->
                Models.load(
                    result.artifact(),
                    ModelFormat.DJL,
                    result.architecture(),
                    InputShape.image(1, 16, 16),
                    Digits.CLASSES))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("does not hold the parameters of cnn [4, 8] with 10 outputs");
    assertThatThrownBy(
            () ->
                Models.load(
                    result.artifact(),
                    ModelFormat.DJL,
                    result.architecture(),
                    InputShape.table(Digits.PIXELS),
                    Digits.CLASSES))
        .isInstanceOf(ModelException.class)
        .hasMessage("a cnn [4, 8] model needs image inputs (channels, height and width)");
    assertThatThrownBy(
            () ->
                Models.load(
                    result.artifact(),
                    ModelFormat.XGBOOST,
                    result.architecture(),
                    IMAGE,
                    Digits.CLASSES))
        .isInstanceOf(ModelException.class)
        .hasMessage("a cnn model cannot have format xgboost; xgboost models are of type gbdt");
  }

  @Test
  void cnnNeedsAnImageTeacher() {
    try (Teacher table = Digits.teacher()) {
      assertThatThrownBy(
              () ->
                  Distillation.builder()
                      .setTeacher(table)
                      .setTransferSet(train.x(), null)
                      .setStudent(new StudentSpec.Cnn(List.of(4)))
                      .setOutputDirectory(dir.resolve("refused"))
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "a cnn student needs an image teacher (channels × height × width inputs); this"
                  + " teacher takes table rows of 64 features: use an mlp or gbdt student");
    }
  }

  @Test
  void mlpStudentOfAnImageTeacherSeesFlatPixels() throws Exception {
    DistillationResult mlp =
        Distillation.builder()
            .setTeacher(teacher)
            .setTransferSet(train.x(), train.labels())
            .setStudent(new StudentSpec.Mlp(List.of(16)))
            .setOutputDirectory(dir.resolve("mlp"))
            .optEpochs(5)
            .optSeed(7)
            .build()
            .run();
    System.out.printf("mlp [16] of the cnn teacher: fidelity %.4f%n", mlp.report().fidelity());
    // Measured: 0.9477.
    assertThat(mlp.report().fidelity()).isGreaterThanOrEqualTo(0.9);
  }
}
