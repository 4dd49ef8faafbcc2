package io.learnware.spec;

import static io.learnware.spec.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecDocumentsTest {

  /** JSON equality, where 0 and 0.0 are the same number (as they are to every JSON reader). */
  private static final Comparator<JsonNode> SAME_JSON =
      (a, b) ->
          a.isNumber() && b.isNumber()
              ? a.decimalValue().compareTo(b.decimalValue())
              : a.equals(b) ? 0 : 1;

  private static void assertRoundTrips(JsonNode document) {
    JsonNode serialized = SpecDocuments.toJson(SpecDocuments.parse(document));
    assertThat(serialized.equals(SAME_JSON, document))
        .as("%s%nshould equal%n%s", serialized, document)
        .isTrue();
  }

  @Test
  void parsesTheFixtureIntoRecords() {
    LearnwareSpec spec = SpecDocuments.parse(Docs.fixture());

    assertThat(spec.specVersion()).isEqualTo(1);
    assertThat(spec.dataType()).isEqualTo(DataType.TABLE);
    assertThat(spec.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(spec.input().dimension()).isEqualTo(64);
    assertThat(spec.input().features()).hasSize(64);
    assertThat(spec.input().features().get(63))
        .isEqualTo(new FeatureSpec("p63", "pixel row 7 col 7, 0..1"));
    assertThat(spec.input().channels()).isNull();
    assertThat(spec.output())
        .isEqualTo(new OutputSpec(10, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")));
    assertThat(spec.model())
        .isEqualTo(
            new ModelSpec(
                ModelFormat.TORCHSCRIPT,
                "pytorch-1.13",
                new FeatureExtractorSpec("features.pt", 32),
                null));
    assertThat(spec.tags()).containsExactly("digits", "handwriting");
    assertThat(spec.statistical()).isNull();
    assertThat(spec.extensions()).isEmpty();
  }

  @Test
  void roundTrips() {
    assertRoundTrips(Docs.fixture());
    assertRoundTrips(Docs.mnist());

    ObjectNode withEverything = Docs.digitsWithRkme(3, 64);
    withEverything.put("task", "feature-extraction");
    withEverything.set("x-ui", json("{\"icon\": \"digits.png\", \"order\": [2, 1]}"));
    withEverything.put("x-reviewed", true);
    assertRoundTrips(withEverything);

    ObjectNode image = Docs.mnist();
    image.set(
        "input",
        json(
            """
            {"channels": 3, "height": 32, "width": 32, "range": [0, 255],
             "normalization": {"mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]}}
            """));
    assertRoundTrips(image);
  }

  @Test
  void extensionsAreKeptInOrder() {
    ObjectNode document = Docs.mnist();
    document.put("x-b", 1);
    document.put("x-a", "two");

    LearnwareSpec spec = SpecDocuments.parse(document);

    assertThat(spec.extensions())
        .containsExactly(entry("x-b", json("1")), entry("x-a", json("\"two\"")));
  }

  @Test
  void parsingConvertsThePackageFormat() {
    ObjectNode document = Docs.digits();
    ((ObjectNode) document.get("input")).put("dimension", 2);
    document.set(
        "statistical",
        json(
            """
            {"type": "RKMETableSpecification", "gamma": 0.5, "num_points": 100,
             "z": [[1, 2], [3, 4]], "beta": [0.25, 0.75], "cuda_idx": -1, "device": "cpu"}
            """));

    RkmeSpec rkme = SpecDocuments.parse(document).statistical();

    assertThat(rkme)
        .isEqualTo(
            new RkmeSpec(
                "rkme-table",
                "gaussian",
                0.5,
                2,
                100,
                new double[][] {{1, 2}, {3, 4}},
                new double[] {0.25, 0.75},
                null));
    assertThat(rkme.toString())
        .isEqualTo(
            "RkmeSpec[type=rkme-table, kernel=gaussian, gamma=0.5, dimension=2, numPoints=100,"
                + " z=2 rows, beta=2, featureMap=null]");
  }

  @Test
  void normalizeLeavesTheInputAlone() {
    ObjectNode document = Docs.digits();
    document.set(
        "statistical",
        json(
            "{\"type\": \"RKMETableSpecification\", \"gamma\": 0.1, \"num_points\": 1, \"z\": [[1]], \"beta\": [1]}"));
    JsonNode before = document.deepCopy();

    JsonNode normalized = SpecDocuments.normalize(document);

    assertThat(document).isEqualTo(before);
    assertThat(normalized.get("statistical").get("type").asText()).isEqualTo("rkme-table");
    assertThat(SpecDocuments.normalize(Docs.mnist())).isEqualTo(Docs.mnist());
  }

  @Test
  void mapperRejectsAmbiguousDocuments() {
    assertThatThrownBy(() -> SpecDocuments.mapper().readTree("{\"name\": \"a\", \"name\": \"b\"}"))
        .isInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("Duplicate field 'name'");
    assertThatThrownBy(() -> SpecDocuments.mapper().readTree("{} {}"))
        .isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void parseRejectsDocumentsThatDoNotMap() {
    ObjectNode document = Docs.digits();
    document.put("dataType", "audio");

    assertThatThrownBy(() -> SpecDocuments.parse(document))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a valid learnware specification");
  }
}
