package io.learnware.spec;

import static io.learnware.spec.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EvaluateReportTest {

  private static final SpecValidator VALIDATOR = new SpecValidator();

  @Test
  void aClassifiersReportIsValid() {
    assertThat(
            VALIDATOR.validateEvaluateReport(
                json(
                    """
                    {"task": "classification",
                     "data": {"rows": 4, "benchmark": "digits-test"},
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
                     "bins": 15, "ece": 0.1,
                     "reliability": [
                       {"from": 0.6, "to": 0.6667, "count": 4, "confidence": 0.65, "accuracy": 0.75}],
                     "log": ["extra members are allowed"]}""")))
        .isEmpty();
  }

  @Test
  void aRegressorsReportIsValid() {
    assertThat(
            VALIDATOR.validateEvaluateReport(
                json(
                    """
                    {"task": "regression", "data": {"rows": 89, "dataset": "alice/diabetes-test"},
                     "mae": 41.18, "rmse": 52.12, "r2": 0.577, "meanResidual": -1.5,
                     "residualQuantiles": [{"q": 0.05, "value": -74.56}, {"q": 0.5, "value": -4.8}]}
                    """)))
        .isEmpty();
    // A constant target has no R².
    assertThat(
            VALIDATOR.validateEvaluateReport(
                json(
                    """
                    {"task": "regression", "data": {"rows": 3},
                     "mae": 1, "rmse": 1, "r2": null, "residualQuantiles": []}""")))
        .isEmpty();
  }

  @Test
  void everyViolationIsPointedAt() {
    assertThat(
            VALIDATOR.validateEvaluateReport(
                json(
                    """
                    {"task": "classification", "data": {"rows": 0},
                     "accuracy": 1.5,
                     "perClass": [{"label": "0", "support": -1, "predicted": 1,
                                   "precision": 2, "recall": null}],
                     "confusion": [[1, -1]],
                     "reliability": [{"from": 0, "to": 1, "count": 0, "confidence": 0.5,
                                      "accuracy": 0.5}]}""")))
        .extracting(Violation::pointer)
        .containsExactly(
            "/accuracy",
            "/confusion/0/1",
            "/data/rows",
            "/labels",
            "/perClass/0/f1",
            "/perClass/0/precision",
            "/perClass/0/support",
            "/reliability/0/count");
    assertThat(
            VALIDATOR.validateEvaluateReport(
                json(
                    """
                    {"task": "regression", "data": {"rows": 5},
                     "mae": -1, "r2": 1.5,
                     "residualQuantiles": [{"q": 2, "value": "x"}]}""")))
        .extracting(Violation::pointer)
        .containsExactly(
            "/mae", "/r2", "/residualQuantiles/0/q", "/residualQuantiles/0/value", "/rmse");
    assertThat(VALIDATOR.validateEvaluateReport(json("{\"task\": \"ranking\"}")))
        .extracting(Violation::pointer)
        .containsExactly("/data", "/task");
  }
}
