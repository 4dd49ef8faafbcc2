package io.learnware.spec;

import static io.learnware.spec.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RobustnessReportTest {

  private static final SpecValidator VALIDATOR = new SpecValidator();

  @Test
  void theContractsReportIsValid() {
    assertThat(
            VALIDATOR.validateRobustnessReport(
                json(
                    """
                    {"clean": {"accuracy": 0.9167, "ece": 0.04},
                     "noise": [{"sigma": 0.1, "accuracy": 0.9}],
                     "fgsm": [{"epsilon": 0.1, "accuracy": 0.4333}],
                     "pgd": [{"epsilon": 0.1, "steps": 10, "accuracy": 0.3917}],
                     "corruptions": [{"name": "gaussian_noise", "severity": 3, "accuracy": 0.8}],
                     "attacks": [
                       {"name": "fgsm", "ran": true, "reason": "white-box"},
                       {"name": "square", "ran": false, "reason": "not asked for"}],
                     "blackBox": [{"attack": "square", "epsilon": 0.1, "accuracy": 0.4,
                       "queries": 300, "meanQueries": 161.0, "p": 0.05}],
                     "fooling": {"classesFooled": 1, "target": 0.99, "generationsRun": 15,
                       "evaluations": 1600, "typicalNearestDistance": 1.03,
                       "perClass": [
                         {"label": "0", "fooled": true, "bestConfidence": 0.9903,
                          "generations": 15, "nearestDistance": 3.29, "distanceRatio": 3.21},
                         {"label": "1", "fooled": false, "bestConfidence": 0.42,
                          "generations": 15}]},
                     "log": ["extra members are allowed"]}""")))
        .isEmpty();
  }

  @Test
  void aRegressorsReportIsValid() {
    assertThat(
            VALIDATOR.validateRobustnessReport(
                json(
                    """
                    {"task": "regression", "data": {"rows": 89},
                     "clean": {"mae": 41.18, "rmse": 52.12, "r2": 0.577},
                     "noise": [{"sigma": 0.1, "mae": 41.3, "rmse": 52.2, "r2": 0.575}],
                     "fgsm": [{"epsilon": 0.1, "mae": 50.1, "rmse": 61.0, "r2": 0.42}],
                     "pgd": [{"epsilon": 0.1, "steps": 10, "mae": 50.2, "rmse": 61.1,
                       "r2": 0.41}],
                     "blackBox": [{"attack": "square", "epsilon": 0.1, "mae": 49.0, "rmse": 60.0,
                       "r2": 0.44, "queries": 300, "meanQueries": 300.0, "p": 0.05}],
                     "attacks": [{"name": "fgsm", "ran": true, "reason": "white-box"}],
                     "corruptions": [],
                     "skipped": [{"name": "calibration", "reason": "no classes"}]}""")))
        .isEmpty();
    // R² is undefined (null) when every target is the same; a constant predictor's is 0 or below.
    assertThat(
            VALIDATOR.validateRobustnessReport(
                json(
                    """
                    {"task": "regression",
                     "clean": {"mae": 0.0, "rmse": 0.0, "r2": null},
                     "noise": [{"sigma": 0.5, "mae": 3.0, "rmse": 4.0, "r2": -2.5}]}""")))
        .isEmpty();
  }

  @Test
  void aRegressorsReportNeedsErrorsNotAccuracies() {
    assertThat(
            VALIDATOR.validateRobustnessReport(
                json(
                    """
                    {"task": "regression",
                     "clean": {"accuracy": 0.9},
                     "noise": [{"sigma": 0.1, "mae": -1, "rmse": 2, "r2": 1.5}],
                     "pgd": [{"epsilon": 0.1, "steps": 10, "accuracy": 0.5}],
                     "skipped": [{"name": "fooling"}],
                     "fooling": {"classesFooled": 0, "perClass": []}}""")))
        .extracting(Violation::pointer)
        .containsExactly(
            "/clean/accuracy",
            "/clean/mae",
            "/clean/r2",
            "/clean/rmse",
            "/fooling",
            "/noise/0/mae",
            "/noise/0/r2",
            "/pgd/0/accuracy",
            "/pgd/0/mae",
            "/pgd/0/r2",
            "/pgd/0/rmse",
            "/skipped/0/reason");
    assertThat(
            VALIDATOR.validateRobustnessReport(
                json(
                    """
                    {"task": "regression", "clean": {"mae": 1, "rmse": 1, "r2": 0, "ece": 0.1},
                     "fooling": {"classesFooled": 0, "perClass": []}}""")))
        .extracting(Violation::message)
        .containsExactly(
            "a regressor has no class probabilities to calibrate",
            "a regressor has no classes, so no fooling test");
    // A classifier's report (task absent or classification) still needs its accuracies.
    assertThat(
            VALIDATOR.validateRobustnessReport(
                json(
                    """
                    {"task": "classification", "clean": {"mae": 1.0, "rmse": 1.0, "r2": 0.5},
                     "fgsm": [{"epsilon": 0.1, "rmse": 3.0}]}""")))
        .extracting(Violation::pointer)
        .containsExactly("/clean/accuracy", "/fgsm/0/accuracy");
    assertThat(VALIDATOR.validateRobustnessReport(json("{\"task\": \"ranking\", \"clean\": {}}")))
        .extracting(Violation::pointer)
        .contains("/task");
  }

  @Test
  void everyViolationIsPointedAt() {
    assertThat(
            VALIDATOR.validateRobustnessReport(
                json(
                    """
                    {"noise": [{"sigma": -1, "accuracy": 0.5}],
                     "attacks": [{"name": "pgd", "ran": "no"}],
                     "blackBox": [{"attack": "square", "epsilon": 0.1, "accuracy": 0.4,
                       "queries": 0}],
                     "corruptions": [{"name": "blur", "severity": 6, "accuracy": 0.5}],
                     "fooling": {"classesFooled": -1, "perClass": [
                       {"label": 3, "fooled": "yes", "bestConfidence": 1.5, "generations": 2,
                        "distanceRatio": -1},
                       {"label": "4", "fooled": true, "bestConfidence": 0.995}]}}""")))
        .extracting(Violation::pointer)
        .containsExactly(
            "/attacks/0/ran",
            "/attacks/0/reason",
            "/blackBox/0/queries",
            "/clean",
            "/corruptions/0/severity",
            "/fooling/classesFooled",
            "/fooling/perClass/0/bestConfidence",
            "/fooling/perClass/0/distanceRatio",
            "/fooling/perClass/0/fooled",
            "/fooling/perClass/0/label",
            "/fooling/perClass/1/generations",
            "/noise/0/sigma");
  }
}
