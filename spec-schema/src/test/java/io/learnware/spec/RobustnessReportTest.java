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
                     "corruptions": [{"name": "blur", "severity": 6, "accuracy": 0.5}]}""")))
        .extracting(Violation::pointer)
        .containsExactly("/clean", "/corruptions/0/severity", "/noise/0/sigma");
  }
}
