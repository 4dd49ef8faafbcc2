package io.learnware.worker.distill;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import io.learnware.worker.model.Batches;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.IntraOpThreads;
import io.learnware.worker.model.OutputScaling;
import io.learnware.worker.model.Training;
import io.learnware.worker.network.DjlNetwork;
import io.learnware.worker.network.StudentSpec;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Trains a neural student, a {@link DjlNetwork} (mlp or cnn), with the PyTorch engine by one
 * distillation loop (a regressor's students by squared error on its standardised outputs, the
 * standardisation folded into the last layer) and saves it with {@link Model#save}; {@link
 * DjlNetwork.Loader} loads it back.
 */
final class DjlStudent {

  /** The artifact's file name in the output directory. */
  static final String FILE_NAME = "student.params";

  private static final String ENGINE = DjlNetwork.ENGINE;
  private static final String MODEL_NAME = DjlNetwork.MODEL_NAME;
  private static final int INFERENCE_ROWS = DjlNetwork.INFERENCE_ROWS;

  /**
   * Batches with fewer multiply-adds than this train on one intra-op thread (on this thread only;
   * restored afterwards). libtorch's MKL forks OpenMP threads even for tiny matrix products, and
   * when the cores are shared each fork waits for a descheduled thread: on the 2-core build machine
   * two threads lost to one at 2.4, 19 and 77 million multiply-adds per batch, by up to 50 times
   * for the smallest (docs/benchmarks.md). Above this, batches take milliseconds of arithmetic and
   * the configured threads are used.
   */
  static final long ONE_THREAD_WORK = 1L << 27;

  private DjlStudent() {}

  /**
   * Trains a student on {@code train} and saves it as {@code outputDir/student.params}; batches
   * under {@link #ONE_THREAD_WORK} multiply-adds train on one intra-op thread.
   *
   * @param heldOut rows to compute each epoch's held-out loss on
   * @return the artifact and the per-epoch losses
   */
  static TrainedArtifact train(
      TransferSet train,
      TransferSet heldOut,
      StudentSpec spec,
      InputShape input,
      Hyperparameters hp,
      Path outputDir,
      Distillation.Listener listener)
      throws IOException {
    InputShape shape = DjlNetwork.blockInput(spec, input);
    long work =
        (long) Math.min(hp.batchSize(), train.rows())
            * DjlNetwork.multiplyAdds(spec, shape, train.outputs());
    List<DistillationReport.Epoch> history =
        IntraOpThreads.one(
            !hp.device().isGpu() && work < ONE_THREAD_WORK,
            () -> fit(train, heldOut, spec, shape, hp, outputDir, listener));
    Path artifact = outputDir.resolve(FILE_NAME);
    Files.move(
        outputDir.resolve(MODEL_NAME + "-0000.params"),
        artifact,
        StandardCopyOption.REPLACE_EXISTING);
    return new TrainedArtifact(artifact, history);
  }

  /** The epochs; saves the model under DJL's name for it in {@code outputDir}. */
  private static List<DistillationReport.Epoch> fit(
      TransferSet train,
      TransferSet heldOut,
      StudentSpec spec,
      InputShape input,
      Hyperparameters hp,
      Path outputDir,
      Distillation.Listener listener)
      throws IOException {
    // Parameter initialisation draws from the engine's generator, shuffling from ours.
    Engine.getEngine(ENGINE).setRandomSeed(Long.hashCode(hp.seed()));
    SplittableRandom random = new SplittableRandom(hp.seed());
    try (Model model = Model.newInstance(MODEL_NAME, hp.device(), ENGINE)) {
      model.setBlock(DjlNetwork.block(spec, input, train.outputs()));
      OutputScaling scaling =
          hp.regression() ? OutputScaling.of(train.teacherOutputs(), train.outputs()) : null;
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(
                  scaling != null
                      ? Loss.l2Loss("squared error", 1)
                      : new DistillationLoss((float) hp.temperature()))
              .optOptimizer(
                  Adam.builder()
                      .optLearningRateTracker(Tracker.fixed((float) hp.learningRate()))
                      .build())
              .optDevices(new Device[] {hp.device()});
      List<DistillationReport.Epoch> history;
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(input.batch(1));
        history =
            scaling != null
                ? regressionEpochs(trainer, train, heldOut, input, hp, scaling, random, listener)
                : classifierEpochs(trainer, train, heldOut, input, hp, random, listener);
      }
      if (scaling != null) {
        scaling.foldInto(model.getBlock());
      }
      model.save(outputDir, MODEL_NAME);
      return history;
    }
  }

  /** A classifier's students: soft targets at T, and the labels' hard term when there are any. */
  private static List<DistillationReport.Epoch> classifierEpochs(
      Trainer trainer,
      TransferSet train,
      TransferSet heldOut,
      InputShape input,
      Hyperparameters hp,
      SplittableRandom random,
      Distillation.Listener listener) {
    int d = train.inputDimension();
    int k = train.outputs();
    float t = (float) hp.temperature();
    double[] soft = SoftTargets.softmax(train.teacherOutputs(), k, hp.temperature());
    double[] negativeEntropy = negativeEntropies(soft, k);
    int batch = Math.min(hp.batchSize(), train.rows());
    float[] x = new float[batch * d];
    float[] softWeights = new float[batch * k];
    float[] hardWeights = train.labelled() && hp.alpha() < 1 ? new float[batch * k] : null;
    return epochs(
        train,
        batch,
        hp,
        random,
        listener,
        (order, start, rows) -> {
          double softScale = hp.alpha() * t * t / rows;
          double constant = 0;
          if (hardWeights != null) {
            Arrays.fill(hardWeights, 0, rows * k, 0f);
          }
          for (int i = 0; i < rows; i++) {
            int row = order[start + i];
            System.arraycopy(train.inputs(), row * d, x, i * d, d);
            for (int c = 0; c < k; c++) {
              softWeights[i * k + c] = (float) (-softScale * soft[row * k + c]);
            }
            constant += softScale * negativeEntropy[row];
            if (hardWeights != null) {
              hardWeights[i * k + train.labels()[row]] = (float) (-(1 - hp.alpha()) / rows);
            }
          }
          float loss = step(trainer, x, softWeights, hardWeights, rows, input, k);
          return loss + constant;
        },
        () -> objective(heldOut, outputs(trainer, heldOut, input), hp));
  }

  /**
   * A regressor's students: squared error against the teacher's outputs standardised with their
   * training mean and standard deviation (so that Adam's steps suit any scale), reported in the
   * teacher's units.
   */
  private static List<DistillationReport.Epoch> regressionEpochs(
      Trainer trainer,
      TransferSet train,
      TransferSet heldOut,
      InputShape input,
      Hyperparameters hp,
      OutputScaling scaling,
      SplittableRandom random,
      Distillation.Listener listener) {
    int d = train.inputDimension();
    int k = train.outputs();
    float[] standardised = scaling.standardise(train.teacherOutputs());
    int batch = Math.min(hp.batchSize(), train.rows());
    float[] x = new float[batch * d];
    float[] targets = new float[batch * k];
    return epochs(
        train,
        batch,
        hp,
        random,
        listener,
        (order, start, rows) -> {
          for (int i = 0; i < rows; i++) {
            int row = order[start + i];
            System.arraycopy(train.inputs(), row * d, x, i * d, d);
            System.arraycopy(standardised, row * k, targets, i * k, k);
          }
          return regressionStep(trainer, x, targets, rows, input, k, scaling);
        },
        () ->
            Training.meanSquaredError(
                scaling.restore(outputs(trainer, heldOut, input)), heldOut.teacherOutputs()));
  }

  /** Fills a batch with the rows {@code order[start, start + rows)} and takes one step on it. */
  @FunctionalInterface
  private interface BatchStep {
    /** The batch's mean loss. */
    double take(int[] order, int start, int rows);
  }

  /**
   * The epochs of both kinds of student: a shuffle from {@code random}, a step a batch, then the
   * held-out loss; only what a batch is fitted to and the losses differ.
   */
  private static List<DistillationReport.Epoch> epochs(
      TransferSet train,
      int batch,
      Hyperparameters hp,
      SplittableRandom random,
      Distillation.Listener listener,
      BatchStep step,
      DoubleSupplier heldOutLoss) {
    List<DistillationReport.Epoch> history = new ArrayList<>();
    int batches = (train.rows() + batch - 1) / batch;
    int[] order = Training.identity(train.rows());
    for (int epoch = 1; epoch <= hp.epochs(); epoch++) {
      Training.shuffle(order, random);
      double lossSum = 0;
      for (int b = 0; b < batches; b++) {
        int start = b * batch;
        int rows = Math.min(batch, train.rows() - start);
        lossSum += step.take(order, start, rows) * rows;
        listener.batchDone(epoch, hp.epochs(), b + 1, batches);
      }
      history.add(
          new DistillationReport.Epoch(epoch, lossSum / train.rows(), heldOutLoss.getAsDouble()));
    }
    return history;
  }

  /**
   * One optimiser step on standardised targets.
   *
   * @return the batch's mean squared error in the teacher's units
   */
  private static double regressionStep(
      Trainer trainer,
      float[] x,
      float[] targets,
      int rows,
      InputShape input,
      int k,
      OutputScaling s) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDArray labels = scope.create(FloatBuffer.wrap(targets, 0, rows * k), shape(rows, k));
      NDArray batch = scope.create(FloatBuffer.wrap(x, 0, rows * input.size()), input.batch(rows));
      NDArray predicted;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        predicted = trainer.forward(new NDList(batch)).singletonOrThrow();
        collector.backward(trainer.getLoss().evaluate(new NDList(labels), new NDList(predicted)));
      }
      float[] perOutput = predicted.sub(labels).square().mean(new int[] {0}).toFloatArray();
      trainer.step();
      return s.restoreSquaredError(perOutput);
    }
  }

  /** One optimiser step on a batch; every array it creates is closed with the batch's scope. */
  private static float step(
      Trainer trainer, float[] x, float[] soft, float[] hard, int rows, InputShape input, int k) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDList targets =
          new NDList(scope.create(FloatBuffer.wrap(soft, 0, rows * k), shape(rows, k)));
      if (hard != null) {
        targets.add(scope.create(FloatBuffer.wrap(hard, 0, rows * k), shape(rows, k)));
      }
      NDArray batch = scope.create(FloatBuffer.wrap(x, 0, rows * input.size()), input.batch(rows));
      NDArray loss;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList logits = trainer.forward(new NDList(batch));
        loss = trainer.getLoss().evaluate(targets, logits);
        collector.backward(loss);
      }
      trainer.step();
      return loss.getFloat();
    }
  }

  /**
   * Student outputs (a classifier's logits) in evaluation mode, e.g. on the held-out rows after an
   * epoch.
   */
  private static float[] outputs(Trainer trainer, TransferSet rows, InputShape input) {
    return Batches.forward(
        trainer.getManager(),
        rows.inputs(),
        rows.rows(),
        input,
        rows.outputs(),
        INFERENCE_ROWS,
        x -> trainer.evaluate(new NDList(x)).singletonOrThrow());
  }

  /** The training objective on rows the student did not train on (same terms and weights). */
  static double objective(TransferSet rows, float[] studentLogits, Hyperparameters hp) {
    int k = rows.outputs();
    double t = hp.temperature();
    double loss =
        hp.alpha() * t * t * SoftTargets.meanKl(rows.teacherOutputs(), studentLogits, k, t);
    if (rows.labelled() && hp.alpha() < 1) {
      loss += (1 - hp.alpha()) * SoftTargets.meanCrossEntropy(studentLogits, rows.labels(), k);
    }
    return loss;
  }

  private static double[] negativeEntropies(double[] p, int k) {
    double[] out = new double[p.length / k];
    for (int row = 0; row < out.length; row++) {
      double sum = 0;
      for (int c = 0; c < k; c++) {
        double v = p[row * k + c];
        if (v > 0) {
          sum += v * Math.log(v);
        }
      }
      out[row] = sum;
    }
    return out;
  }

  private static Shape shape(long rows, long columns) {
    return new Shape(rows, columns);
  }
}
