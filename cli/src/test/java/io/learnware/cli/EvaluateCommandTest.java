package io.learnware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.cli.FakeMarket.Answer;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code evaluate} (the evaluate job) and {@code robustness} against {@link FakeMarket}: the job
 * each asks for, the old robustness options of {@code evaluate} with their notice, and how a
 * finished evaluation is printed.
 */
class EvaluateCommandTest {

  private static final String NL = System.lineSeparator();
  private static final String ID = "0b5e1e2c-7a35-4c3f-9d1e-1a2b3c4d5e6f";

  private final FakeMarket market = new FakeMarket();

  @AfterEach
  void stop() {
    market.close();
  }

  private void queued(String type) {
    market.on(
        "POST",
        "/api/v1/jobs",
        Answer.json(
            202,
            """
            {"id": "%s", "type": "%s", "state": "QUEUED", "progress": 0, "attempts": 0,
             "source": "demo/digits@1"}"""
                .formatted(ID, type)));
  }

  private JsonNode sent() throws IOException {
    return SpecDocuments.mapper().readTree(market.received().getLast().body());
  }

  @Test
  void evaluateAsksForAnEvaluateJob() throws IOException {
    queued("evaluate");

    CliRun run =
        run(
            "evaluate",
            "demo/digits",
            "--token",
            "t",
            "--benchmark",
            "digits-test",
            "--bins",
            "10");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo("queued evaluate job " + ID + " on demo/digits@1" + NL);
    assertThat(sent().toString())
        .isEqualTo(
            "{\"type\":\"evaluate\",\"source\":\"demo/digits@latest\","
                + "\"params\":{\"benchmark\":\"digits-test\",\"bins\":10}}");

    run(
        "evaluate",
        "demo/diabetes@2",
        "--token",
        "t",
        "--dataset",
        "demo/diabetes-test",
        "--quantiles",
        "0.1,0.5,0.9");
    assertThat(sent().toString())
        .isEqualTo(
            "{\"type\":\"evaluate\",\"source\":\"demo/diabetes@2\",\"dataset\":"
                + "\"demo/diabetes-test\",\"params\":{\"quantiles\":[0.1,0.5,0.9]}}");
  }

  @Test
  void robustnessIsItsOwnCommandAndEvaluatesOldOptionsStillWork() throws IOException {
    queued("robustness");

    CliRun robustness =
        run(
            "robustness",
            "demo/digits@1",
            "--token",
            "t",
            "--benchmark",
            "digits-test",
            "--noise",
            "0.1");
    assertThat(robustness.exitCode()).as(robustness.err()).isZero();
    assertThat(sent().toString())
        .isEqualTo(
            "{\"type\":\"robustness\",\"source\":\"demo/digits@1\","
                + "\"params\":{\"benchmark\":\"digits-test\",\"noise\":[0.1]}}");

    queued("robustness");
    CliRun regressor =
        run(
            "robustness",
            "demo/diabetes@2",
            "--token",
            "t",
            "--dataset",
            "demo/diabetes-test",
            "--epsilons",
            "0.05,0.1",
            "--black-box",
            "--square-queries",
            "500");
    assertThat(regressor.exitCode()).as(regressor.err()).isZero();
    assertThat(sent().toString())
        .isEqualTo(
            "{\"type\":\"robustness\",\"source\":\"demo/diabetes@2\",\"dataset\":"
                + "\"demo/diabetes-test\",\"params\":{\"epsilons\":[0.05,0.1],\"blackBox\":true,"
                + "\"squareQueries\":500}}");

    CliRun old =
        run(
            "evaluate",
            "demo/digits@1",
            "--token",
            "t",
            "--dataset",
            "demo/train",
            "--epsilons",
            "0.05",
            "--pgd-steps",
            "3");
    assertThat(old.exitCode()).as(old.err()).isZero();
    assertThat(old.err())
        .isEqualTo(
            "notice: noise, attacks and corruptions moved to 'learnware robustness'; running a"
                + " robustness job"
                + NL);
    assertThat(sent().toString())
        .isEqualTo(
            "{\"type\":\"robustness\",\"source\":\"demo/digits@1\",\"dataset\":\"demo/train\","
                + "\"params\":{\"epsilons\":[0.05],\"pgdSteps\":3}}");

    int before = market.received().size();
    CliRun mixed = run("evaluate", "demo/digits", "--noise", "0.1", "--bins", "5");
    assertThat(mixed.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(mixed.err()).contains("--bins and --quantiles are for evaluate jobs");
    assertThat(market.received()).hasSize(before);

    // The robustness options are not advertised by evaluate any more.
    CliRun help = run("evaluate", "--help");
    assertThat(help.out())
        .contains("--benchmark", "--bins", "--quantiles")
        .doesNotContain("--noise");
  }

  @Test
  void aFinishedClassifierEvaluationIsPrintedAsTables() {
    market.on(
        "GET",
        "/api/v1/jobs/" + ID,
        Answer.json(
            200,
            """
            {"id": "%s", "type": "evaluate", "state": "SUCCEEDED", "progress": 1,
             "message": "done", "attempts": 1, "source": "demo/digits@1",
             "result": {"report": {
               "task": "classification", "data": {"rows": 4, "dataset": "demo/pets"},
               "accuracy": 0.75, "labels": ["cat", "dog", "fox"],
               "perClass": [
                 {"label": "cat", "support": 2, "predicted": 3, "precision": 0.6667,
                  "recall": 1.0, "f1": 0.8},
                 {"label": "dog", "support": 2, "predicted": 1, "precision": 1.0,
                  "recall": 0.5, "f1": 0.6667},
                 {"label": "fox", "support": 0, "predicted": 0, "precision": null,
                  "recall": null, "f1": null}],
               "macro": {"precision": 0.8333, "recall": 0.75, "f1": 0.7333},
               "confusion": [[2, 0, 0], [1, 1, 0], [0, 0, 0]],
               "bins": 15, "ece": 0.1, "reliability": []}}}"""
                .formatted(ID)));

    CliRun run = run("jobs", "show", ID);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().toList())
        .containsExactly(
            "job " + ID + ": evaluate SUCCEEDED on demo/digits@1, done (100%)",
            "evaluated on demo/pets: 4 rows",
            "accuracy 0.7500   macro precision 0.8333  recall 0.7500  F1 0.7333   ECE 0.1000 (15"
                + " bins)",
            "",
            "class  support  predicted  precision  recall      f1",
            "cat          2          3     0.6667  1.0000  0.8000",
            "dog          2          1     1.0000  0.5000  0.6667",
            "fox          0          0          –       –       –",
            "",
            "confusion matrix (rows: true class, columns: predicted class)",
            "     cat  dog  fox",
            "cat    2    0    0",
            "dog    1    1    0",
            "fox    0    0    0");
  }

  @Test
  void aFinishedRegressorEvaluationIsPrintedAsTables() {
    market.on(
        "GET",
        "/api/v1/jobs/" + ID,
        Answer.json(
            200,
            """
            {"id": "%s", "type": "evaluate", "state": "SUCCEEDED", "progress": 1,
             "message": "done", "attempts": 1, "source": "demo/diabetes@1",
             "result": {"report": {
               "task": "regression", "data": {"rows": 89, "benchmark": "diabetes-test"},
               "mae": 41.184789, "rmse": 52.118369, "r2": 0.577013, "meanResidual": -2.5,
               "residualQuantiles": [{"q": 0.05, "value": -74.558231},
                                     {"q": 0.5, "value": -4.826996}]}}}"""
                .formatted(ID)));

    CliRun run = run("jobs", "show", ID);

    assertThat(run.out().lines().toList())
        .containsExactly(
            "job " + ID + ": evaluate SUCCEEDED on demo/diabetes@1, done (100%)",
            "evaluated on the benchmark set diabetes-test: 89 rows",
            "MAE 41.1848   RMSE 52.1184   R² 0.5770   mean residual -2.5000",
            "",
            "quantiles of the residuals (target − prediction)",
            "q     residual",
            "0.05  -74.5582",
            "0.5    -4.8270");
    // --json keeps the document.
    assertThat(run("jobs", "show", ID, "--json").out()).contains("\"residualQuantiles\"");
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(args[0].equals("jobs") ? 2 : 1, "--server=" + market.url());
    return CliRun.run(all.toArray(String[]::new));
  }
}
