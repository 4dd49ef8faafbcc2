package io.learnware.worker.distill;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.learnware.spec.Task;
import io.learnware.worker.model.Devices;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.network.StudentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Training throughput of the MLP student's loop ({@link DjlStudent#train}: shuffling, batches, soft
 * and hard loss, Adam, a held-out evaluation per epoch, saving) on the digits transfer set, with
 * the teacher's logits computed beforehand. Not a test (surefire skips the name); {@code
 * bench/distill-throughput.sh} runs it next to {@code bench/distill_throughput.py}, the same loop
 * in PyTorch eager, and prints one line per batch size: {@code djl <batch> <cold> <median>}
 * samples/s.
 *
 * <p>System properties: {@code bench.hidden} (default 64), {@code bench.epochs} (50), {@code
 * bench.batches} (comma-separated, "32,256"), {@code bench.runs} timed runs after one warm-up (5).
 */
class DistillThroughput {

  @Test
  void run() throws Exception {
    int hidden = Integer.getInteger("bench.hidden", 64);
    int epochs = Integer.getInteger("bench.epochs", 50);
    int runs = Integer.getInteger("bench.runs", 5);
    int[] batches =
        Arrays.stream(System.getProperty("bench.batches", "32,256").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    Digits.Rows rows = Digits.train();
    TransferSet all;
    try (Teacher teacher = Digits.teacher()) {
      float[] x = rows.floats();
      all =
          new TransferSet(
              rows.size(),
              Digits.PIXELS,
              Digits.CLASSES,
              x,
              teacher.outputs(x, rows.size()),
              rows.labels(),
              null);
    }
    int[] order = Distillation.permutation(rows.size(), new SplittableRandom(0));
    int heldOutRows = (int) Math.round(0.2 * rows.size());
    TransferSet heldOut = all.select(Arrays.copyOfRange(order, 0, heldOutRows));
    TransferSet train = all.select(Arrays.copyOfRange(order, heldOutRows, rows.size()));
    StudentSpec.Mlp spec = new StudentSpec.Mlp(List.of(hidden));
    Path dir = Files.createTempDirectory("throughput");
    // The engine's setting, which the command line's ai.djl.pytorch.num_threads decides.
    System.out.printf(
        "djl-threads %d, interop %d, libtorch %s%n",
        JniUtils.getNumThreads(),
        JniUtils.getNumInteropThreads(),
        Engine.getEngine("PyTorch").getVersion());
    for (int batch : batches) {
      Hyperparameters hp =
          new Hyperparameters(
              Task.CLASSIFICATION,
              4,
              0.9,
              epochs,
              batch,
              0.01,
              0,
              // bench/gpu-check.sh runs it on a GPU.
              Devices.select(System.getProperty("bench.device", "cpu")));
      double[] samplesPerSecond = new double[runs + 1];
      for (int run = 0; run <= runs; run++) {
        long start = System.nanoTime();
        DjlStudent.train(
            train,
            heldOut,
            spec,
            InputShape.table(train.inputDimension()),
            hp,
            dir,
            (epoch, n, b, bs) -> {});
        samplesPerSecond[run] =
            (double) epochs * train.rows() / ((System.nanoTime() - start) / 1e9);
      }
      double cold = samplesPerSecond[0];
      double[] warm = Arrays.copyOfRange(samplesPerSecond, 1, runs + 1);
      Arrays.sort(warm);
      System.out.printf("djl %d %.0f %.0f%n", batch, cold, warm[runs / 2]);
    }
  }
}
