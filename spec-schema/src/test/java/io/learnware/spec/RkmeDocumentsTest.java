package io.learnware.spec;

import static io.learnware.spec.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class RkmeDocumentsTest {

  @Test
  void convertsThePackageFormat() {
    JsonNode saved =
        json(
            """
            {"z": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "beta": [0.3, 0.7], "gamma": 0.1,
             "num_points": 1437, "cuda_idx": -1, "device": "cpu", "type": "RKMETableSpecification"}
            """);

    assertThat(RkmeDocuments.normalize(saved))
        .isEqualTo(
            json(
                """
                {"type": "rkme-table", "kernel": "gaussian", "gamma": 0.1, "dimension": 3,
                 "numPoints": 1437, "z": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "beta": [0.3, 0.7]}
                """));
  }

  @Test
  void flattensRowsOfHigherRankAndBetaColumns() {
    JsonNode saved =
        json(
            """
            {"type": "RKMEStatSpecification", "gamma": 0.01, "num_points": 60000,
             "z": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], "beta": [[0.5], [0.5]]}
            """);

    assertThat(RkmeDocuments.normalize(saved))
        .isEqualTo(
            json(
                """
                {"type": "rkme-table", "kernel": "gaussian", "gamma": 0.01, "dimension": 4,
                 "numPoints": 60000, "z": [[1, 2, 3, 4], [5, 6, 7, 8]], "beta": [0.5, 0.5]}
                """));
  }

  @Test
  void keepsMalformedPartsForTheValidatorToReport() {
    JsonNode saved =
        json("{\"type\": \"RKMETableSpecification\", \"z\": [7, [1, 2]], \"beta\": \"none\"}");

    assertThat(RkmeDocuments.normalize(saved))
        .isEqualTo(
            json(
                """
                {"type": "rkme-table", "kernel": "gaussian", "z": [7, [1, 2]], "beta": "none"}
                """));
  }

  @Test
  void leavesOtherDocumentsUnchanged() {
    JsonNode canonical = Docs.rkme(2, 2);
    JsonNode unknown = json("{\"type\": \"RKMEImageSpecification\"}");

    assertThat(RkmeDocuments.normalize(canonical)).isSameAs(canonical);
    assertThat(RkmeDocuments.normalize(unknown)).isSameAs(unknown);
    assertThat(RkmeDocuments.normalize(json("[1]"))).isEqualTo(json("[1]"));
  }
}
