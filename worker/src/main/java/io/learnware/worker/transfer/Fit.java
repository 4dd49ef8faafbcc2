package io.learnware.worker.transfer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.Training;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One head's training: softmax cross-entropy for a classifier (validation accuracy after every
 * epoch) or squared error for a regressor (on standardised targets; validation mean squared error),
 * mini-batches in a seeded order, and early stopping when the validation measure has not improved
 * for {@code patience} epochs. The best epoch is checkpointed when it happens, so the saved model
 * is the best one.
 */
final class Fit {

  /** Rows per forward pass when evaluating. */
  private static final int EVAL_ROWS = 1024;

  /**
   * Settings shared by the transfer and its baseline.
   *
   * @param regression squared error on one output, else softmax cross-entropy on class indices
   */
  record Settings(
      int epochs, int batchSize, int patience, long seed, Device device, boolean regression) {}

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

  /**
   * How the training went: its epochs, the best one, the validation rows' outputs after it, and
   * whether it stopped before the last.
   */
  record Outcome(
      List<TransferReport.Epoch> history,
      int bestEpoch,
      float[] bestOutputs,
      boolean stoppedEarly) {

    TransferReport.Epoch best() {
      return history.get(bestEpoch - 1);
    }
  }

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
        new DefaultTrainingConfig(
                settings.regression()
                    ? Loss.l2Loss("squared error", 1)
                    : Loss.softmaxCrossEntropyLoss())
            .optOptimizer(optimizer)
            .optDevices(new Device[] {settings.device()});
    List<TransferReport.Epoch> history = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(settings.seed());
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    float[] bestOutputs = null;
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(shape.batch(1));
      int batch = Math.min(settings.batchSize(), train.count());
      int batches = (train.count() + batch - 1) / batch;
      int[] order = Training.identity(train.count());
      float[] x = new float[batch * train.width()];
      float[] y = new float[batch];
      for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
        Training.shuffle(order, random);
        double lossSum = 0;
        for (int b = 0; b < batches; b++) {
          int start = b * batch;
          int rows = Math.min(batch, train.count() - start);
          for (int i = 0; i < rows; i++) {
            int row = order[start + i];
            System.arraycopy(train.x(), row * train.width(), x, i * train.width(), train.width());
            y[i] = train.y()[row];
          }
          lossSum += step(trainer, x, y, rows, shape, settings.regression()) * rows;
          listener.batchDone(epoch, settings.epochs(), b + 1, batches);
        }
        float[] outputs = outputs(trainer, validation, shape, settings.regression() ? 1 : 0);
        double score;
        if (settings.regression()) {
          double mse = Training.meanSquaredError(outputs, validation.y());
          history.add(new TransferReport.Epoch(epoch, lossSum / train.count(), null, mse));
          score = -mse;
        } else {
          score = accuracy(outputs, validation.y());
          history.add(new TransferReport.Epoch(epoch, lossSum / train.count(), score, null));
        }
        if (score > bestScore) {
          bestScore = score;
          bestOutputs = outputs;
          best = epoch;
          checkpoint.save();
        } else if (epoch - best >= settings.patience()) {
          return new Outcome(history, best, bestOutputs, epoch < settings.epochs());
        }
      }
    }
    return new Outcome(history, best, bestOutputs, false);
  }

  /** One optimiser step; every array it creates is closed with the batch's scope. */
  private static float step(
      Trainer trainer, float[] x, float[] y, int rows, InputShape shape, boolean regression) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDArray inputs = scope.create(FloatBuffer.wrap(x, 0, rows * shape.size()), shape.batch(rows));
      // A regressor's targets are a column, like its output; class indices a vector.
      NDArray labels =
          scope.create(
              FloatBuffer.wrap(y, 0, rows), regression ? new Shape(rows, 1) : new Shape(rows));
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

  /**
   * The block's outputs for {@code rows} in evaluation mode: one per row for a regressor ({@code
   * outputs} 1), or each row's class with the largest logit (the first on a tie) for a classifier
   * ({@code outputs} 0).
   */
  private static float[] outputs(Trainer trainer, Rows rows, InputShape shape, int outputs) {
    float[] out = new float[rows.count()];
    for (int start = 0; start < rows.count(); start += EVAL_ROWS) {
      int n = Math.min(EVAL_ROWS, rows.count() - start);
      try (NDManager scope = trainer.getManager().newSubManager()) {
        NDArray inputs =
            scope.create(
                FloatBuffer.wrap(rows.x(), start * rows.width(), n * rows.width()), shape.batch(n));
        NDArray predicted = trainer.evaluate(new NDList(inputs)).singletonOrThrow();
        float[] values =
            outputs == 1
                ? predicted.reshape(n).toFloatArray()
                : predicted.argMax(1).toType(DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(values, 0, out, start, n);
      }
    }
    return out;
  }

  /** The share of rows whose predicted class is their label. */
  private static double accuracy(float[] predicted, float[] labels) {
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      right += predicted[i] == labels[i] ? 1 : 0;
    }
    return (double) right / labels.length;
  }
}
