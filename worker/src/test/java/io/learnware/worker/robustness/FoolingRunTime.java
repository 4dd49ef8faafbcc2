package io.learnware.worker.robustness;

import io.learnware.spec.ModelFormat;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Models;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.RunnableModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Run time of {@link Fooling} on digits-mlp (TorchScript and ONNX) and digits-cnn (TorchScript),
 * with the default budget (population 100, 500 generations): as the job runs it (target 0.99, stops
 * when every class is fooled) and the whole budget (target 1, never reached, so all 500 generations
 * run: the most a default search can cost). Not a test (surefire skips the name);
 * bench/fooling-time.sh runs it and prints one line per case: {@code fooling <model file> <case>
 * <generations> <cold s> <median s>}.
 *
 * <p>System property {@code bench.runs}: timed runs after the cold one (default 5).
 */
class FoolingRunTime {

  @Test
  void run() throws Exception {
    int runs = Integer.getInteger("bench.runs", 5);
    time("digits-mlp/model.pt", ModelFormat.TORCHSCRIPT, InputShape.table(64), runs);
    time("digits-mlp/model.onnx", ModelFormat.ONNX, InputShape.table(64), runs);
    time("digits-cnn/model.pt", ModelFormat.TORCHSCRIPT, InputShape.image(1, 8, 8), runs);
  }

  private static void time(String file, ModelFormat format, InputShape shape, int runs)
      throws Exception {
    try (RunnableModel model = Models.load(Fixtures.path(file), format, shape)) {
      for (double target : new double[] {Fooling.DEFAULT_TARGET, 1}) {
        double[] seconds = new double[runs + 1];
        Fooling.Result result = null;
        for (int run = 0; run <= runs; run++) {
          long start = System.nanoTime();
          result =
              Fooling.builder()
                  .setModel(model::predict)
                  .setInputShape(shape)
                  .optTarget(target)
                  .build()
                  .run();
          seconds[run] = (System.nanoTime() - start) / 1e9;
        }
        double[] warm = Arrays.copyOfRange(seconds, 1, runs + 1);
        Arrays.sort(warm);
        System.out.printf(
            "fooling %s %s %d %.3f %.3f (%d of 10 classes fooled)%n",
            file,
            target == 1 ? "full-budget" : "default",
            result.generations(),
            seconds[0],
            warm[runs / 2],
            result.classesFooled());
      }
    }
  }
}
