package io.learnware.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware transfer owner/name[@ref] --dataset …}: a new head on your data (a job). */
@Command(
    name = "transfer",
    description = {
      "Ask the market to adapt a learnware to your labelled data set (transfer learning, a job run"
          + " by a worker): a new head on the learnware's feature extractor. The result becomes a"
          + " new version of --target.",
      "The data set's label column names classes, or with --task regression holds the numbers to"
          + " predict (a head with one output; a linear head on a frozen backbone is then ridge"
          + " regression in closed form).",
      "Prints the queued job; --wait follows it to its end."
    },
    sortOptions = false)
final class TransferCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Mixin JobOptions job;

  @Parameters(paramLabel = "OWNER/NAME[@REF]", description = "the learnware to adapt")
  String source;

  @Option(
      names = "--task",
      paramLabel = "TASK",
      description = "the new task: classification (the default) or regression")
  String task;

  @Option(
      names = "--labels",
      paramLabel = "NAME",
      split = ",",
      description =
          "names for the classes, in the order of the sorted label values; for regression the"
              + " target's one name (the new model's output label)")
  List<String> labels;

  @Option(
      names = "--head-hidden",
      paramLabel = "N",
      description = "hidden units of the new head; 0 for a linear head")
  Integer headHidden;

  @Option(
      names = "--freeze-backbone",
      negatable = true,
      description = "keep the feature extractor's weights fixed (--no-freeze-backbone tunes them)")
  Boolean freezeBackbone;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "at most this many epochs (a trained head: hidden units or a tuned backbone)")
  Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N", description = "a trained head's batch size")
  Integer batchSize;

  @Option(names = "--learning-rate", paramLabel = "LR", description = "a trained head's Adam step")
  Double learningRate;

  @Option(
      names = "--validation-split",
      paramLabel = "F",
      description =
          "the share of your rows held out to measure the head (a linear head on a frozen"
              + " backbone is solved and cross-validated on all rows: below 2,000 rows for"
              + " classes, always for regression)")
  Double validationSplit;

  @Option(names = "--seed", paramLabel = "S")
  Long seed;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    var ref = Arguments.learnware(spec, source, true);
    ObjectNode params = job.baseParams();
    Params.put(params, "task", task);
    Params.put(params, "labels", labels);
    if (headHidden != null) {
      params.putObject("head").put("hidden", headHidden);
    }
    Params.put(params, "freezeBackbone", freezeBackbone);
    Params.put(params, "epochs", epochs);
    Params.put(params, "batchSize", batchSize);
    Params.put(params, "learningRate", learningRate);
    Params.put(params, "validationSplit", validationSplit);
    Params.put(params, "seed", seed);
    try (LearnwareClient client = server.client(null)) {
      return job.run(client, "transfer", ref, params);
    }
  }
}
