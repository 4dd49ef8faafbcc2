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
