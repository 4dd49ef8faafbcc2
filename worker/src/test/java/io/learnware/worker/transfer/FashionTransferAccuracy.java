package io.learnware.worker.transfer;

import ai.djl.Device;
import ai.djl.nn.Blocks;
import io.learnware.worker.model.Backbone;
import io.learnware.worker.model.TorchScriptBackbone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the transfer buys on the Fashion-MNIST example, measured on the test images nobody trained
 * on: for each setting and seed, the transferred model and the same head trained on raw pixels
 * (through a backbone that passes its inputs on) are evaluated on all other test images of the five
 * new classes. A frozen backbone with a linear head is solved (deterministic: the seeds give the
 * same model); the other settings are trained. Not a test (surefire skips the name); {@code
 * bench/transfer.sh} runs it.
 */
class FashionTransferAccuracy {

  private record Setting(String name, HeadSpec head, boolean frozen) {}

  @Test
  void run() throws Exception {
    List<Integer> perClass =
        Arrays.stream(System.getProperty("bench.perClass", "40,200").split(","))
            .map(Integer::parseInt)
            .toList();
    int seeds = Integer.getInteger("bench.seeds", 3);
    List<Setting> settings =
        List.of(
            new Setting("frozen, linear head", HeadSpec.LINEAR, true),
            new Setting("frozen, hidden 64", new HeadSpec(64), true),
            new Setting("fine-tuned, linear head", HeadSpec.LINEAR, false));
    System.out.println(
        "| labelled per class | setting | how | transfer accuracy | same head on raw pixels | gain"
            + " |");
    System.out.println("|---|---|---|---|---|---|");
    for (int labelled : perClass) {
      FashionTransfer.Task[] split = FashionTransfer.split(labelled);
      for (Setting setting : settings) {
        boolean solved = Transfer.solves(setting.head(), setting.frozen());
        // A solved head does not depend on the seed: one run.
        int runs = solved ? 1 : seeds;
        double[] transfer = new double[runs];
        double[] raw = new double[runs];
        for (int seed = 0; seed < runs; seed++) {
          try (TorchScriptBackbone backbone =
              TorchScriptBackbone.load(
                  FashionTransfer.extractor(),
                  FashionTransfer.IMAGE,
                  FashionTransfer.FEATURES,
                  Device.cpu())) {
            transfer[seed] = heldOut(backbone, setting, split, seed, 5);
          }
          raw[seed] = heldOut(new RawInputs(FashionTransfer.IMAGE), setting, split, seed, 5);
        }
        System.out.printf(
            "| %d | %s | %s | %s | %s | %+.3f |%n",
            labelled,
            setting.name(),
            solved
                ? "solved on all %d, 5-fold CV".formatted(labelled)
                : "trained on %d, %d to validate".formatted(labelled / 2, labelled / 2),
            meanSd(transfer),
            meanSd(raw),
            mean(transfer) - mean(raw));
      }
    }
  }

  /**
   * Fits the head (a trained head with half the labelled rows held out for validation; a solved one
   * cross-validates on all of them); accuracy on the other images.
   */
  private static double heldOut(
      Backbone backbone, Setting setting, FashionTransfer.Task[] split, int seed, int classes)
      throws Exception {
    Path dir = Files.createTempDirectory("transfer-bench");
    TransferResult result =
        Transfer.builder()
            .setBackbone(backbone)
            .setData(split[0].x(), split[0].labels(), FashionTransfer.NEW_NAMES)
            .setOutputDirectory(dir)
            .optHead(setting.head())
            .optFreezeBackbone(setting.frozen())
            .optValidationSplit(0.5)
            .optSeed(seed)
            .build()
            .run();
    FashionTransfer.Task test = split[1];
    try (TransferredModel model =
        backbone instanceof RawInputs
            ? TransferredModel.load(
                result.artifact(),
                manager -> Blocks.identityBlock(),
                backbone.architecture(),
                setting.head(),
                FashionTransfer.IMAGE,
                classes,
                Device.cpu())
            : TransferredModel.load(
                result.artifact(),
                result.architecture(),
                FashionTransfer.IMAGE,
                classes,
                Device.cpu())) {
      return FashionTransfer.accuracy(
          model.predict(test.x().toFloatArray(), test.labels().length), test.labels());
    }
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static String meanSd(double[] values) {
    double mean = mean(values);
    double var = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
    return "%.3f ± %.3f".formatted(mean, Math.sqrt(var));
  }
}
