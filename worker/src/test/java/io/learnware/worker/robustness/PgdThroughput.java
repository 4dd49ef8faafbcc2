package io.learnware.worker.robustness;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Fixtures;
import io.learnware.worker.model.Devices;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * PGD throughput of {@link Attacks#pgd} (L∞, 10 steps, ε 0.1, step ε/4, no random start, range [0,
 * 1]) on digits-mlp over the 360 digits test rows repeated to {@code bench.rows} examples. Not a
 * test (surefire skips the name); {@code bench/pgd-throughput.sh} runs it next to {@code
 * bench/pgd_throughput.py}, the same attack in PyTorch eager, and prints one line per batch size:
 * {@code djl <batch> <cold> <median>} examples/s.
 *
 * <p>System properties: {@code bench.rows} (default 3600), {@code bench.steps} (10), {@code
 * bench.batches} (comma-separated, "64,360"), {@code bench.runs} timed runs after one warm-up (5).
 */
class PgdThroughput {

  @Test
  void run() throws Exception {
    int rows = Integer.getInteger("bench.rows", 3600);
    int steps = Integer.getInteger("bench.steps", 10);
    int runs = Integer.getInteger("bench.runs", 5);
    int[] batches =
        Arrays.stream(System.getProperty("bench.batches", "64,360").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    Fixtures.Digits test =
        Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    int d = test.pixels().columns();
    double[] data = new double[rows * d];
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(test.pixels().data(), (i % 360) * d, data, i * d, d);
      labels[i] = test.labels()[i % 360];
    }
    Matrix x = new Matrix(rows, d, data);
    double eps = 0.1;
    for (int batch : batches) {
      try (RunnableModel model =
          ModelRuntime.load(
              ModelSource.builder()
                  .setArtifact(Fixtures.path("digits-mlp/model.pt"))
                  .setFormat(ModelFormat.TORCHSCRIPT)
                  .setInputShape(InputShape.table(d))
                  // bench/gpu-check.sh runs it on a GPU.
                  .optDevice(Devices.select(System.getProperty("bench.device", "cpu")))
                  .build())) {
        Attacks attacks = Attacks.of(model, batch);
        if (batch == batches[0]) {
          // The engine's setting, which the command line's ai.djl.pytorch.num_threads decides.
          System.out.printf(
              "djl-threads %d, interop %d, libtorch %s%n",
              JniUtils.getNumThreads(),
              JniUtils.getNumInteropThreads(),
              Engine.getEngine("PyTorch").getVersion());
        }
        double[] perSecond = new double[runs + 1];
        int correct = 0;
        for (int run = 0; run <= runs; run++) {
          long start = System.nanoTime();
          Matrix adv = attacks.pgd(x, labels, eps, steps, eps / 4, false, 0L, 0, 1);
          perSecond[run] = rows / ((System.nanoTime() - start) / 1e9);
          if (run == 0) {
            correct = attacks.correct(adv, labels);
          }
        }
        double[] warm = Arrays.copyOfRange(perSecond, 1, runs + 1);
        Arrays.sort(warm);
        System.out.printf("djl %d %.0f %.0f%n", batch, perSecond[0], warm[runs / 2]);
        System.out.printf("djl-correct %d %d/%d%n", batch, correct, rows);
      }
    }
  }
}
