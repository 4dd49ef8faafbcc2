package io.learnware.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.Task;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.Diabetes;
import io.learnware.worker.Models;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.network.StudentSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distillation of the diabetes regressor ({@code fixtures/diabetes-mlp}, 10 → 32 → 1; test R²
 * 0.577) into students fitted by squared error to its outputs, against the references of {@code
 * expected.json} ({@code references.students}: PyTorch and scikit-learn students fitted to the
 * teacher's outputs on the 353 training rows, measured on the 89 test rows).
 */
class RegressionDistillationTest {

  private static final JsonNode STUDENTS = Diabetes.expected().at("/references/students");

  private static Teacher teacher;
  private static Teacher onnxTeacher;
  private static Diabetes.Rows train;
  private static Diabetes.Rows test;
  private static float[] teacherTest;

  @TempDir Path dir;

  @BeforeAll
  static void loadTeachers() throws Exception {
    teacher =
        Teacher.load(Diabetes.MODEL, ModelFormat.TORCHSCRIPT, Diabetes.SHAPE, 1, Task.REGRESSION);
    onnxTeacher = Teacher.load(Diabetes.ONNX, ModelFormat.ONNX, Diabetes.SHAPE, 1, Task.REGRESSION);
    train = Diabetes.train();
    test = Diabetes.test();
    teacherTest = teacher.outputs(test.floats(), test.size());
  }

  @AfterAll
  static void closeTeachers() {
    teacher.close();
    onnxTeacher.close();
  }

  /**
   * A student fitted on the training rows as the references are: all but the fewest held-out rows
   * the builder allows (4 of 353).
   */
  private Distillation.Builder builder(Teacher teacher, StudentSpec student) {
    return Distillation.builder()
        .setTeacher(teacher)
        .setStudent(student)
        .setTransferSet(train.x(), null)
        .optTargets(train.y())
        .optValidationSplit(0.01)
        .setOutputDirectory(dir)
        .optSeed(7);
  }

  /** The saved student's outputs on the test rows, loaded as the market loads it. */
  private static float[] testOutputs(DistillationResult result) throws Exception {
    try (RunnableModel student =
        Models.load(result.artifact(), result.format(), result.architecture(), Diabetes.SHAPE, 1)) {
      return student.predict(test.floats(), test.size());
    }
  }

  private static void print(String what, DistillationResult result, float[] outputs) {
    RegressionMetrics vsTeacher = RegressionMetrics.of(outputs, teacherTest, 1);
    RegressionMetrics vsTarget = RegressionMetrics.of(outputs, test.y(), 1);
    System.out.printf(
        "%s: test vs teacher MAE %.4f RMSE %.4f R² %.4f; vs target MAE %.4f RMSE %.4f R² %.4f;"
            + " held-out (%d rows) vs teacher R² %s; %d parameters%n",
        what,
        vsTeacher.mae(),
        vsTeacher.rmse(),
        vsTeacher.r2(),
        vsTarget.mae(),
        vsTarget.rmse(),
        vsTarget.r2(),
        result.report().heldOutRows(),
        result.report().vsTeacher().r2(),
        result.report().studentParameters());
  }

  @Test
  void mlpStudentMatchesThePyTorchReference() throws Exception {
    JsonNode reference = STUDENTS.get("mlp");
    DistillationResult result =
        builder(teacher, new StudentSpec.Mlp(List.of(8)))
            .optEpochs(200)
            .optLearningRate(0.003)
            .optBatchSize(32)
            .build()
            .run();
    DistillationReport report = result.report();
    assertThat(report.task()).isEqualTo(Task.REGRESSION);
    assertThat(report.trainRows()).isEqualTo(349);
    assertThat(report.heldOutRows()).isEqualTo(4);
    // 10·8 + 8 + 8 + 1, as the reference's.
    assertThat(report.studentParameters()).isEqualTo(reference.get("parameters").asLong());
    assertThat(report.fidelity()).isNull();
    assertThat(report.kl()).isNull();
    assertThat(report.temperature()).isNull();
    assertThat(report.alpha()).isNull();
    assertThat(report.vsTeacher()).isNotNull();
    assertThat(report.vsTarget()).isNotNull();
    assertThat(report.teacherVsTarget()).isNotNull();
    assertThat(report.history()).hasSize(200);
    // The loss is in the teacher's units: mean squared error against its outputs.
    assertThat(report.history().getLast().loss())
        .isLessThan(report.history().getFirst().loss() / 20);

    float[] outputs = testOutputs(result);
    print("mlp [8]", result, outputs);
    RegressionMetrics vsTeacher = RegressionMetrics.of(outputs, teacherTest, 1);
    // The reference: R² 0.985 against the teacher, 0.561 against the targets.
    assertThat(vsTeacher.r2()).isGreaterThanOrEqualTo(0.95);
    assertThat(RegressionMetrics.of(outputs, test.y(), 1).r2())
        .isCloseTo(reference.at("/vsTarget/r2").asDouble(), within(0.03));
  }

  @Test
  void gbdtStudentMatchesScikitLearnsGradientBoosting() throws Exception {
    JsonNode reference = STUDENTS.get("gbdt");
    DistillationResult result =
        builder(teacher, new StudentSpec.Gbdt(100, 2, false)).optLearningRate(0.1).build().run();
    assertThat(result.format()).isEqualTo(ModelFormat.XGBOOST);
    assertThat(result.report().history()).hasSize(100);
    float[] outputs = testOutputs(result);
    print("gbdt 100 trees depth 2", result, outputs);
    // The reference (GradientBoostingRegressor, the same trees, depth and shrinkage): R² 0.929.
    assertThat(RegressionMetrics.of(outputs, teacherTest, 1).r2())
        .isCloseTo(reference.at("/vsTeacher/r2").asDouble(), within(0.02));
    assertThat(RegressionMetrics.of(outputs, test.y(), 1).r2())
        .isCloseTo(reference.at("/vsTarget/r2").asDouble(), within(0.03));
  }

  @Test
  void anOnnxTeacherTeachesTheSameStudents() throws Exception {
    // The ONNX export computes the same function: the trees fitted to its outputs are the same.
    assertThat(onnxTeacher.outputs(test.floats(), test.size()))
        .containsExactly(teacherTest, within(1e-3f));
    DistillationResult result =
        builder(onnxTeacher, new StudentSpec.Gbdt(100, 2, false))
            .optLearningRate(0.1)
            .build()
            .run();
    float[] outputs = testOutputs(result);
    print("gbdt of the onnx teacher", result, outputs);
    assertThat(RegressionMetrics.of(outputs, teacherTest, 1).r2())
        .isCloseTo(STUDENTS.at("/gbdt/vsTeacher/r2").asDouble(), within(0.02));
    // The ONNX graph's initializers hold the teacher's 385 numbers.
    assertThat(result.report().teacherParameters()).isEqualTo(385L);

    DistillationResult mlp =
        builder(onnxTeacher, new StudentSpec.Mlp(List.of(8)))
            .optEpochs(200)
            .optLearningRate(0.003)
            .build()
            .run();
    float[] mlpOutputs = testOutputs(mlp);
    print("mlp [8] of the onnx teacher", mlp, mlpOutputs);
    assertThat(RegressionMetrics.of(mlpOutputs, teacherTest, 1).r2()).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void dataFreeFromAnRkmeOfTheTrainingRows() throws Exception {
    Rkme rkme = Rkme.builder().setData(train.x()).optSeed(1).build();
    DistillationResult result =
        Distillation.builder()
            .setTeacher(teacher)
            .setStudent(new StudentSpec.Mlp(List.of(8)))
            .setDataFree(rkme, 2000)
            .setOutputDirectory(dir)
            .optSeed(7)
            .optEpochs(100)
            .optLearningRate(0.003)
            .build()
            .run();
    DistillationReport report = result.report();
    assertThat(report.dataFree()).isTrue();
    assertThat(report.vsTarget()).isNull();
    assertThat(report.trainRows() + report.heldOutRows()).isEqualTo(2000);
    float[] outputs = testOutputs(result);
    print("data-free mlp [8]", result, outputs);
    assertThat(RegressionMetrics.of(outputs, teacherTest, 1).r2()).isGreaterThanOrEqualTo(0.9);

    DistillationResult gbdt =
        Distillation.builder()
            .setTeacher(teacher)
            .setStudent(new StudentSpec.Gbdt(100, 2, false))
            .setDataFree(rkme, 2000)
            .setOutputDirectory(dir.resolve("gbdt"))
            .optLearningRate(0.1)
            .build()
            .run();
    float[] gbdtOutputs = testOutputs(gbdt);
    print("data-free gbdt 100 trees depth 2", gbdt, gbdtOutputs);
    assertThat(RegressionMetrics.of(gbdtOutputs, teacherTest, 1).r2()).isGreaterThanOrEqualTo(0.8);
  }

  @Test
  void whatMakesNoSenseForARegressorIsRefused() {
    StudentSpec mlp = new StudentSpec.Mlp(List.of(8));
    assertThatThrownBy(() -> builder(teacher, mlp).optTemperature(4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "temperature applies to a classifier's soft targets; a regressor's students fit its"
                + " outputs by squared error");
    assertThatThrownBy(() -> builder(teacher, mlp).optAlpha(0.5).build())
        .hasMessageStartingWith("alpha weighs soft targets against labels for a classifier");
    assertThatThrownBy(
            () -> builder(teacher, mlp).setTransferSet(train.x(), new int[train.size()]).build())
        .hasMessage(
            "class labels are for a classifier; a regression teacher's rows take numeric targets");
    assertThatThrownBy(() -> builder(teacher, mlp).optTargets(new double[3]).build())
        .hasMessage("3 targets for 353 transfer rows");
    assertThatThrownBy(() -> builder(teacher, mlp).optTargets(new double[] {Double.NaN}))
        .hasMessage("the target of transfer row 1 is not a finite number");
  }
}
