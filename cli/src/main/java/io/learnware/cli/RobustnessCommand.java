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
 * {@code learnware robustness owner/name[@ref] --dataset …}: how a classifier or a regressor holds
 * up under noise, attacks and corruptions (a {@code robustness} job).
 */
@Command(
    name = "robustness",
    description = {
      "Ask the market how robust a learnware is on your labelled data set (a robustness job):"
          + " for a classifier accuracy and calibration, for a regressor (a numeric 'label'"
          + " column) MAE, RMSE and R², clean, under Gaussian noise, under FGSM and PGD attacks"
          + " (Square Attack where the model has no gradients) and, for images, corruptions. The"
          + " report is kept on the version.",
      "Prints the queued job; --wait follows it to its end."
    },
    sortOptions = false)
final class RobustnessCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Mixin JobOptions job;

  @Parameters(paramLabel = "OWNER/NAME[@REF]", description = "the learnware to attack")
  String source;

  @Option(
      names = "--benchmark",
      paramLabel = "NAME",
      description =
          "a labelled set bundled with the workers instead of --dataset: digits-test,"
              + " fashion-mnist-test")
  String benchmark;

  @Option(
      names = "--noise",
      paramLabel = "SIGMA",
      split = ",",
      description =
          "standard deviations of Gaussian noise, e.g. 0.05,0.1: for a classifier a fraction of"
              + " the input range, for a regressor in input units")
  List<Double> noise;

  @Option(
      names = "--epsilons",
      paramLabel = "EPS",
      split = ",",
      description = "L∞ budgets of the attacks in input units, e.g. 0.05,0.1")
  List<Double> epsilons;

  @Option(
      names = "--black-box",
      negatable = true,
      description =
          "run Square Attack (score-based, no gradients) too; it runs anyway when the model has"
              + " no gradients, unless --no-black-box")
  Boolean blackBox;

  @Option(
      names = "--square-queries",
      paramLabel = "N",
      description = "Square Attack's model evaluations per row (default 300)")
  Integer squareQueries;

  @Option(names = "--pgd-steps", paramLabel = "N")
  Integer pgdSteps;

  @Option(names = "--pgd-step-size", paramLabel = "A")
  Double pgdStepSize;

  @Option(names = "--random-start", negatable = true, description = "PGD from a random point")
  Boolean randomStart;

  @Option(
      names = "--corruptions",
      paramLabel = "NAME",
      split = ",",
      description = "image corruptions by name, or 'all'")
  List<String> corruptions;

  @Option(names = "--severities", paramLabel = "N", split = ",", description = "1..5")
  List<Integer> severities;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    var ref = Arguments.learnware(spec, source, true);
    ObjectNode params = job.baseParams();
    Params.put(params, "benchmark", benchmark);
    put(params, noise, epsilons, pgdSteps, pgdStepSize, randomStart, corruptions, severities);
    Params.put(params, "blackBox", blackBox);
    Params.put(params, "squareQueries", squareQueries);
    try (LearnwareClient client = server.client(null)) {
      return job.run(client, "robustness", ref, params);
    }
  }

  /** The robustness options that were given, as the job's parameters. */
  static void put(
      ObjectNode params,
      List<Double> noise,
      List<Double> epsilons,
      Integer pgdSteps,
      Double pgdStepSize,
      Boolean randomStart,
      List<String> corruptions,
      List<Integer> severities) {
    Params.put(params, "noise", noise);
    Params.put(params, "epsilons", epsilons);
    Params.put(params, "pgdSteps", pgdSteps);
    Params.put(params, "pgdStepSize", pgdStepSize);
    Params.put(params, "randomStart", randomStart);
    if (corruptions != null) {
      if (corruptions.equals(List.of("all"))) {
        params.put("corruptions", "all");
      } else {
        Params.put(params, "corruptions", corruptions);
      }
    }
    Params.put(params, "severities", severities);
  }
}
