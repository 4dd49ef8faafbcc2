package io.learnware.worker.robustness;

import io.learnware.spec.ModelFormat;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Models;
import io.learnware.worker.model.CapabilityException;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.RunnableModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Square Attack next to PGD on the digits fixtures and the 360 bundled test rows: digits-mlp as
 * TorchScript and as ONNX (no gradients: Square Attack alone), digits-cnn. Not a test (surefire
 * skips the name); {@code bench/square-vs-pgd.sh} runs it and prints the table. One line per model
 * and ε: {@code row <model> <ε> <clean> <pgd or -> <square> <mean queries> <pgd s> <square s>}.
 *
 * <p>System properties: {@code bench.queries} (Square Attack's budget, default 300), {@code
 * bench.epsilons} (comma-separated, "0.05,0.1,0.2").
 */
class SquareVsPgd {

  @Test
  void run() throws Exception {
    int queries = Integer.getInteger("bench.queries", SquareAttack.DEFAULT_QUERIES);
    double[] epsilons =
        Arrays.stream(System.getProperty("bench.epsilons", "0.05,0.1,0.2").split(","))
            .mapToDouble(Double::parseDouble)
            .toArray();
    Fixtures.Digits test =
        Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    record Subject(String name, String file, ModelFormat format, InputShape shape) {}
    for (Subject subject :
        new Subject[] {
          new Subject(
              "digits-mlp", "digits-mlp/model.pt", ModelFormat.TORCHSCRIPT, InputShape.table(64)),
          new Subject(
              "digits-mlp-onnx", "digits-mlp/model.onnx", ModelFormat.ONNX, InputShape.table(64)),
          new Subject(
              "digits-cnn",
              "digits-cnn/model.pt",
              ModelFormat.TORCHSCRIPT,
              InputShape.image(1, 8, 8))
        }) {
      try (RunnableModel model =
          Models.load(Fixtures.path(subject.file()), subject.format(), subject.shape())) {
        Attacks attacks;
        try {
          attacks = Attacks.of(model);
        } catch (CapabilityException e) {
          attacks = null;
        }
        double clean = Robustness.accuracy(model.predict(test.pixels()), test.labels());
        for (double eps : epsilons) {
          String pgd = "-";
          double pgdSeconds = 0;
          if (attacks != null) {
            long start = System.nanoTime();
            pgd =
                "%.4f"
                    .formatted(
                        attacks.accuracy(
                            attacks.pgd(
                                test.pixels(), test.labels(), eps, 10, eps / 4, false, 0, 0, 1),
                            test.labels()));
            pgdSeconds = (System.nanoTime() - start) / 1e9;
          }
          long start = System.nanoTime();
          SquareAttack.Result square =
              SquareAttack.builder()
                  .setModel(model)
                  .setEpsilon(eps)
                  .optQueries(queries)
                  .build()
                  .run(test.pixels(), test.labels());
          double squareSeconds = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              "row %s %s %.4f %s %.4f %.1f %.3f %.3f%n",
              subject.name(),
              eps,
              clean,
              pgd,
              square.accuracy(),
              square.meanQueries(),
              pgdSeconds,
              squareSeconds);
        }
      }
    }
  }
}
