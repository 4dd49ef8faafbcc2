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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading students back from their artifact, format and architecture, and refusing misfits. */
class StudentsTest {

  @TempDir static Path dir;

  private static DistillationResult mlp;
  private static DistillationResult gbdt;

  @BeforeAll
  static void distil() throws Exception {
    Digits.Rows train = Digits.train();
    try (Teacher teacher = Digits.teacher()) {
      mlp =
          Distillation.builder()
              .setTeacher(teacher)
              .setTransferSet(train.x(), null)
              .setStudent(new StudentSpec.Mlp(List.of(16)))
              .setOutputDirectory(dir.resolve("mlp"))
              .optEpochs(1)
              .build()
              .run();
      gbdt =
          Distillation.builder()
              .setTeacher(teacher)
              .setTransferSet(train.x(), null)
              .setStudent(new StudentSpec.Gbdt(2, 2, false))
              .setOutputDirectory(dir.resolve("gbdt"))
              .build()
              .run();
    }
  }

  private static RunnableModel load(
      DistillationResult result, ModelFormat format, String architecture) throws Exception {
    return Models.load(
        result.artifact(),
        format,
        io.learnware.spec.SpecDocuments.mapper().readTree(architecture),
        InputShape.table(Digits.PIXELS),
        Digits.CLASSES);
  }

  @Test
  void loadsWhatDistillationSaved() throws Exception {
    float[] row = Digits.test().select(new int[] {0}).floats();
    try (RunnableModel student = load(mlp, ModelFormat.DJL, mlp.architecture().toString())) {
      assertThat(student.predict(row, 1)).hasSize(10);
      assertThat(student.parameterCount()).hasValue(64 * 16 + 16 + 16 * 10 + 10);
    }
    try (RunnableModel student = load(gbdt, ModelFormat.XGBOOST, gbdt.architecture().toString())) {
      assertThat(student.predict(row, 1)).hasSize(10);
      // Two rounds of ten trees of depth ≤ 2: 3 to 7 nodes each.
      assertThat(student.parameterCount().orElseThrow()).isBetween(60L, 140L);
    }
  }

  @Test
  void refusesArtifactsThatDoNotFit() {
    assertThatThrownBy(() -> load(mlp, ModelFormat.DJL, "{\"type\": \"mlp\", \"hidden\": [32]}"))
        .isInstanceOf(ModelException.class)
        .hasMessageEndingWith(
            "does not hold the parameters of mlp [32] with 10 outputs: its layers' weights are"
                + " [(16, 64), (10, 16)], not [(32, 64), (10, 32)]");
    assertThatThrownBy(() -> load(mlp, ModelFormat.DJL, "{\"type\": \"mlp\", \"hidden\": [16, 8]}"))
        .isInstanceOf(ModelException.class)
        .hasMessageEndingWith("does not hold the parameters of mlp [16, 8]: the file ends early");
    assertThatThrownBy(() -> load(gbdt, ModelFormat.DJL, "{\"type\": \"mlp\", \"hidden\": [16]}"))
        .isInstanceOf(ModelException.class)
        .hasMessageEndingWith("is not a DJL parameter file (no DJL@ header)");
    assertThatThrownBy(() -> load(mlp, ModelFormat.XGBOOST, "{\"type\": \"gbdt\"}"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("is not an XGBoost model");
    assertThatThrownBy(
            () -> load(mlp, ModelFormat.XGBOOST, "{\"type\": \"mlp\", \"hidden\": [16]}"))
        .isInstanceOf(ModelException.class)
        .hasMessage("a mlp model cannot have format xgboost; xgboost models are of type gbdt");
    // A cnn needs its image shape, which the table loader does not have.
    assertThatThrownBy(() -> load(mlp, ModelFormat.DJL, "{\"type\": \"cnn\"}"))
        .isInstanceOf(ModelException.class)
        .hasMessage("a cnn [8, 16] model needs image inputs (channels, height and width)");
  }
}
