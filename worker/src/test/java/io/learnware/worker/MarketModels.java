package io.learnware.worker;

import ai.djl.Device;
import io.learnware.spec.ModelFormat;
import io.learnware.worker.distill.Distillation;
import io.learnware.worker.distill.DistillationResult;
import io.learnware.worker.distill.Teacher;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.TorchScriptBackbone;
import io.learnware.worker.network.StudentSpec;
import io.learnware.worker.transfer.Transfer;
import io.learnware.worker.transfer.TransferResult;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One model of each format the market makes, from the digits fixtures: an mlp [16] and boosted
 * trees distilled from digits-mlp, a cnn [4, 8] distilled from digits-cnn (15 epochs each), and
 * digits-mlp's feature extractor with a new linear head (three epochs).
 */
public record MarketModels(
    DistillationResult mlp,
    DistillationResult cnn,
    DistillationResult gbdt,
    TransferResult transferred) {

  public static final InputShape TABLE = InputShape.table(64);
  public static final InputShape IMAGE = InputShape.image(1, 8, 8);

  /** Makes them in {@code dir}. */
  public static MarketModels make(Path dir) throws Exception {
    Fixtures.Digits train = Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS);
    DistillationResult mlp;
    DistillationResult gbdt;
    DistillationResult cnn;
    try (Teacher teacher =
        Teacher.load(Fixtures.path("digits-mlp/model.pt"), ModelFormat.TORCHSCRIPT, TABLE, 10)) {
      mlp = distil(teacher, train, new StudentSpec.Mlp(List.of(16)), dir.resolve("mlp"));
      gbdt = distil(teacher, train, new StudentSpec.Gbdt(5, 3, false), dir.resolve("gbdt"));
    }
    try (Teacher teacher =
        Teacher.load(Fixtures.path("digits-cnn/model.pt"), ModelFormat.TORCHSCRIPT, IMAGE, 10)) {
      cnn = distil(teacher, train, new StudentSpec.Cnn(List.of(4, 8)), dir.resolve("cnn"));
    }
    TransferResult transferred;
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.load(
            Fixtures.path("digits-mlp/features.pt"), TABLE, 32, Device.cpu())) {
      transferred =
          Transfer.builder()
              .setBackbone(backbone)
              .setData(
                  train.pixels(),
                  train.labels(),
                  IntStream.range(0, 10).mapToObj(Integer::toString).toList())
              .setOutputDirectory(dir.resolve("transfer"))
              .optEpochs(3)
              .build()
              .run();
    }
    return new MarketModels(mlp, cnn, gbdt, transferred);
  }

  private static DistillationResult distil(
      Teacher teacher, Fixtures.Digits train, StudentSpec student, Path dir) throws Exception {
    return Distillation.builder()
        .setTeacher(teacher)
        .setTransferSet(train.pixels(), train.labels())
        .setStudent(student)
        .setOutputDirectory(dir)
        .optEpochs(15)
        .build()
        .run();
  }
}
