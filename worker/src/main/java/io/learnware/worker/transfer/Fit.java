package io.learnware.worker.transfer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.learnware.worker.model.InputShape;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One classifier training: softmax cross-entropy, mini-batches in a seeded order, validation
 * accuracy after every epoch, and early stopping when it has not improved for {@code patience}
 * epochs. The best epoch is checkpointed when it happens, so the saved model is the best one.
 */
final class Fit {

  /** Rows per forward pass when evaluating. */
  private static final int EVAL_ROWS = 1024;

  /** Settings shared by the transfer and its baseline. */
  record Settings(int epochs, int batchSize, int patience, long seed, Device device) {}

  /** Called after each batch; may throw to cancel. */
  @FunctionalInterface
  interface Listener {
    void batchDone(int epoch, int epochs, int batch, int batches);
  }

  /** Saves the model as it is now: called when an epoch beats every earlier one. */
  @FunctionalInterface
  interface Checkpoint {
    void save() throws IOException;
  }

  /** How the training went: its epochs, the best one and whether it stopped before the last. */
  record Outcome(
      List<TransferReport.Epoch> history,
      int bestEpoch,
      double bestAccuracy,
      boolean stoppedEarly) {}

  private Fit() {}

  /**
   * Trains {@code model}'s block (already holding any pre-trained parameters) on {@code train}.
   *
   * @param shape one sample's shape as the block takes it
   */
  static Outcome run(
      Model model,
      Optimizer optimizer,
      Rows train,
      Rows validation,
      InputShape shape,
      Settings settings,
      Listener listener,
      Checkpoint checkpoint)
      throws IOException {
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(optimizer)
            .optDevices(new Device[] {settings.device()});
    List<TransferReport.Epoch> history = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(settings.seed());
    int best = 0;
    double bestAccuracy = -1;
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(shape.batch(1));
      int batch = Math.min(settings.batchSize(), train.count());
      int batches = (train.count() + batch - 1) / batch;
      int[] order = new int[train.count()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      float[] x = new float[batch * train.width()];
      float[] y = new float[batch];
      for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
        shuffle(order, random);
        double lossSum = 0;
        for (int b = 0; b < batches; b++) {
          int start = b * batch;
          int rows = Math.min(batch, train.count() - start);
          for (int i = 0; i < rows; i++) {
            int row = order[start + i];
            System.arraycopy(train.x(), row * train.width(), x, i * train.width(), train.width());
            y[i] = train.y()[row];
          }
          lossSum += step(trainer, x, y, rows, shape) * rows;
          listener.batchDone(epoch, settings.epochs(), b + 1, batches);
        }
        double accuracy = accuracy(trainer, validation, shape);
        history.add(new TransferReport.Epoch(epoch, lossSum / train.count(), accuracy));
        if (accuracy > bestAccuracy) {
          bestAccuracy = accuracy;
          best = epoch;
          checkpoint.save();
        } else if (epoch - best >= settings.patience()) {
          return new Outcome(history, best, bestAccuracy, epoch < settings.epochs());
        }
      }
    }
    return new Outcome(history, best, bestAccuracy, false);
  }

  /** One optimiser step; every array it creates is closed with the batch's scope. */
  private static float step(Trainer trainer, float[] x, float[] y, int rows, InputShape shape) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDArray inputs = scope.create(FloatBuffer.wrap(x, 0, rows * shape.size()), shape.batch(rows));
      NDArray labels = scope.create(FloatBuffer.wrap(y, 0, rows), new Shape(rows));
      NDArray loss;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList logits = trainer.forward(new NDList(inputs));
        loss = trainer.getLoss().evaluate(new NDList(labels), logits);
        collector.backward(loss);
      }
      trainer.step();
      return loss.getFloat();
    }
  }

  /** The share of {@code rows} whose largest logit is their label, in evaluation mode. */
  private static double accuracy(Trainer trainer, Rows rows, InputShape shape) {
    int right = 0;
    for (int start = 0; start < rows.count(); start += EVAL_ROWS) {
      int n = Math.min(EVAL_ROWS, rows.count() - start);
      try (NDManager scope = trainer.getManager().newSubManager()) {
        NDArray inputs =
            scope.create(
                FloatBuffer.wrap(rows.x(), start * rows.width(), n * rows.width()), shape.batch(n));
        long[] predicted =
            trainer.evaluate(new NDList(inputs)).singletonOrThrow().argMax(1).toLongArray();
        for (int i = 0; i < n; i++) {
          right += predicted[i] == rows.y()[start + i] ? 1 : 0;
        }
      }
    }
    return (double) right / rows.count();
  }

  /** Fisher–Yates, so that the order depends on the seed alone. */
  private static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }
}
