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

/**
 * {@code learnware evaluate owner/name[@ref] --dataset …}: how good a learnware is on labelled data
 * (an {@code evaluate} job). Before {@code learnware robustness} existed, {@code evaluate} asked
 * for a robustness job; its robustness options still do, with a notice.
 */
@Command(
    name = "evaluate",
    description = {
      "Ask the market to measure a learnware on your labelled data set, or on a bundled benchmark"
          + " set (an evaluate job). Classifiers: accuracy, precision, recall and F1 per class, the"
          + " confusion matrix, calibration (ECE). Regressors: MAE, RMSE, R² and quantiles of the"
          + " residuals. The report is kept on the version, one per data set.",
      "Prints the queued job; --wait follows it to its end and prints the figures as tables"
          + " (--json: the job document). Noise and attacks: 'learnware robustness'."
    },
    sortOptions = false)
final class EvaluateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Mixin JobOptions job;

  @Parameters(paramLabel = "OWNER/NAME[@REF]", description = "the learnware to evaluate")
  String source;

  @Option(
      names = "--benchmark",
      paramLabel = "NAME",
      description =
          "a labelled set bundled with the workers instead of --dataset: digits-test,"
              + " fashion-mnist-test")
  String benchmark;

  @Option(
      names = "--bins",
      paramLabel = "N",
      description = "classifiers: confidence bins of the calibration error (default 15)")
  Integer bins;

  @Option(
      names = "--quantiles",
      paramLabel = "Q",
      split = ",",
      description = "regressors: quantiles of the residuals (default 0.05,0.25,0.5,0.75,0.95)")
  List<Double> quantiles;

  // The options of 'evaluate' when it asked for a robustness job: hidden, and still honoured.
  @Option(names = "--noise", split = ",", hidden = true)
  List<Double> noise;

  @Option(names = "--epsilons", split = ",", hidden = true)
  List<Double> epsilons;

  @Option(names = "--pgd-steps", hidden = true)
  Integer pgdSteps;

  @Option(names = "--pgd-step-size", hidden = true)
  Double pgdStepSize;

  @Option(names = "--random-start", negatable = true, hidden = true)
  Boolean randomStart;

  @Option(names = "--corruptions", split = ",", hidden = true)
  List<String> corruptions;

  @Option(names = "--severities", split = ",", hidden = true)
  List<Integer> severities;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    var ref = Arguments.learnware(spec, source, true);
    ObjectNode params = job.baseParams();
    Params.put(params, "benchmark", benchmark);
    boolean robustness =
        noise != null
            || epsilons != null
            || pgdSteps != null
            || pgdStepSize != null
            || randomStart != null
            || corruptions != null
            || severities != null;
    if (robustness) {
      if (bins != null || quantiles != null) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--bins and --quantiles are for evaluate jobs; the noise, attack and corruption"
                + " options for 'learnware robustness'");
      }
      spec.commandLine()
          .getErr()
          .println(
              "notice: noise, attacks and corruptions moved to 'learnware robustness';"
                  + " running a robustness job");
      RobustnessCommand.put(
          params, noise, epsilons, pgdSteps, pgdStepSize, randomStart, corruptions, severities);
    } else {
      Params.put(params, "bins", bins);
      Params.put(params, "quantiles", quantiles);
    }
    try (LearnwareClient client = server.client(null)) {
      return job.run(client, robustness ? "robustness" : "evaluate", ref, params);
    }
  }
}
