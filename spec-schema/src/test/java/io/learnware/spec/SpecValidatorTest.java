package io.learnware.spec;

import static io.learnware.spec.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  private static final SpecValidator VALIDATOR = new SpecValidator();

  private static List<Violation> validate(JsonNode spec) {
    return VALIDATOR.validate(spec);
  }

  private static List<String> pointers(List<Violation> violations) {
    return violations.stream().map(Violation::pointer).toList();
  }

  @Nested
  class ValidDocuments {

    @Test
    void contractTableExampleWithoutFeatures() {
      assertThat(validate(Docs.digits())).isEmpty();
    }

    @Test
    void fixtureWithAll64Features() {
      assertThat(validate(Docs.fixture())).isEmpty();
    }

    @Test
    void contractImageExample() {
      assertThat(validate(Docs.mnist())).isEmpty();
    }

    @Test
    void imageWithPerChannelNormalization() {
      ObjectNode spec = Docs.mnist();
      spec.set(
          "input",
          json(
              """
              {"channels": 3, "height": 224, "width": 224, "range": [0, 255],
               "normalization": {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}}
              """));
      assertThat(validate(spec)).isEmpty();
    }

    @Test
    void textWithOptionalMembers() {
      ObjectNode spec = Docs.digits();
      spec.put("dataType", "text");
      spec.put("task", "feature-extraction");
      spec.set(
          "input",
          json(
              """
              {"maxLength": 512, "tokenizer": "bert-base-uncased WordPiece", "vocabularySize": 30522}
              """));
      spec.set("output", json("{\"dimension\": 768}"));
      assertThat(validate(spec)).isEmpty();
      spec.set("input", json("{}"));
      assertThat(validate(spec)).isEmpty();
    }

    @Test
    void extensionMembersAndLicenseRef() {
      ObjectNode spec = Docs.digits();
      spec.set("x-ui", json("{\"icon\": \"digits.png\"}"));
      spec.put("license", "LicenseRef-Proprietary");
      assertThat(validate(spec)).isEmpty();
    }

    @Test
    void withStatisticalSpecification() {
      assertThat(validate(Docs.digitsWithRkme(10, 64))).isEmpty();
    }
  }

  @Test
  void contractExampleWithShortenedFeaturesNeedsOneEntryPerFeature() {
    ObjectNode spec = Docs.digits();
    ((ObjectNode) spec.get("input"))
        .set(
            "features", json("[{\"name\": \"p0\", \"description\": \"pixel row 0 col 0, 0..1\"}]"));

    assertThat(validate(spec))
        .containsExactly(
            new Violation(
                "/input/features",
                "has 1 entries but input.dimension is 64; list one entry per feature, or leave"
                    + " features out"));
  }

  @Test
  void reportsEveryViolationSortedByPointer() {
    JsonNode spec =
        json(
            """
            {
              "specVersion": 1,
              "name": "  ",
              "description": "Classifies digits.",
              "dataType": "table",
              "task": "clasification",
              "input": {"dimension": 0, "channels": 3},
              "output": {"dimension": "10"},
              "license": "MIT OR Apache-2.0",
              "tags": ["Digits"],
              "model": {"format": "pt", "featureExtractor": {"file": "../features.pt", "dimension": 0}},
              "licence": "MIT"
            }
            """);

    assertThat(validate(spec))
        .containsExactly(
            new Violation("/input/channels", "is not allowed here (unknown member)"),
            new Violation("/input/dimension", "must have a minimum value of 1"),
            new Violation(
                "/licence",
                "is not a member of the specification; extension members must start with 'x-'"),
            new Violation(
                "/license",
                "must be an SPDX license identifier such as 'MIT' or 'Apache-2.0', or"
                    + " 'LicenseRef-<name>' for other terms"),
            new Violation("/model/featureExtractor/dimension", "must have a minimum value of 1"),
            new Violation(
                "/model/featureExtractor/file",
                "must be a plain file name such as 'features.pt' (letters, digits, '.', '_' and '-',"
                    + " not starting with '.' or '-', no folders)"),
            new Violation(
                "/model/format",
                "does not have a value in the enumeration [\"torchscript\", \"onnx\", \"djl\", \"xgboost\","
                    + " \"ensemble\"]"),
            new Violation("/name", "must not be blank"),
            new Violation("/output/dimension", "string found, integer expected"),
            new Violation(
                "/tags/0",
                "must be a lowercase tag of at most 50 characters (letters a-z, digits and '-',"
                    + " not starting with '-')"),
            new Violation(
                "/task",
                "does not have a value in the enumeration [\"classification\", \"regression\","
                    + " \"feature-extraction\", \"segmentation\", \"detection\", \"generation\","
                    + " \"other\"]"));
  }

  @Test
  void missingMembersArePointedAtThemselves() {
    List<Violation> violations = validate(json("{\"specVersion\": 1}"));

    assertThat(pointers(violations))
        .containsExactly(
            "/dataType",
            "/description",
            "/input",
            "/license",
            "/model",
            "/name",
            "/output",
            "/task");
    assertThat(violations).extracting(Violation::message).containsOnly("is required");
  }

  @Test
  void inputMembersRequiredDependOnDataType() {
    ObjectNode table = Docs.digits();
    table.set("input", json("{}"));
    ObjectNode image = Docs.mnist();
    image.set("input", json("{\"channels\": 1}"));

    assertThat(validate(table)).containsExactly(new Violation("/input/dimension", "is required"));
    assertThat(validate(image))
        .containsExactly(
            new Violation("/input/height", "is required"),
            new Violation("/input/width", "is required"));
  }

  @Test
  void wrongTypes() {
    ObjectNode spec = Docs.digits();
    spec.put("name", 42);
    spec.put("tags", "digits");
    spec.set("input", json("[64]"));
    spec.set("model", json("{\"format\": \"onnx\", \"framework\": 1.13}"));

    assertThat(validate(spec))
        .containsExactly(
            new Violation("/input", "array found, object expected"),
            new Violation("/model/framework", "number found, string expected"),
            new Violation("/name", "integer found, string expected"),
            new Violation("/tags", "string found, array expected"));
  }

  @Test
  void modelsTheMarketBuildsNameTheirArchitecture() {
    ObjectNode spec = Docs.digits();
    ((ObjectNode) spec.get("model")).removeAll().put("format", "djl");
    assertThat(pointers(validate(spec))).containsExactly("/model/architecture");

    ((ObjectNode) spec.get("model"))
        .set("architecture", json("{\"type\": \"mlp\", \"hidden\": [64]}"));
    assertThat(validate(spec)).isEmpty();

    ((ObjectNode) spec.get("model")).put("format", "xgboost");
    ((ObjectNode) spec.get("model"))
        .set(
            "architecture",
            json("{\"type\": \"gbdt\", \"trees\": 200, \"maxDepth\": 6, \"dart\": true}"));
    assertThat(validate(spec)).isEmpty();
    assertThat(SpecDocuments.parse(spec).model().architecture().path("trees").asInt())
        .isEqualTo(200);
  }

  @Test
  void badTags() {
    ObjectNode spec = Docs.digits();
    ArrayNode tags = spec.putArray("tags");
    tags.add("digits").add("digits").add("-leading").add("two words").add("a".repeat(51));
    tags.add("digits\n"); // java.util.regex's '$' would accept the trailing line break
    IntStream.range(0, 30).forEach(i -> tags.add("t" + i));

    String slug =
        "must be a lowercase tag of at most 50 characters (letters a-z, digits and '-', not"
            + " starting with '-')";
    assertThat(validate(spec))
        .containsExactly(
            new Violation("/tags", "must have at most 32 items but found 36"),
            new Violation("/tags", "must have only unique items in the array"),
            new Violation("/tags/2", slug),
            new Violation("/tags/3", slug),
            new Violation("/tags/4", slug),
            new Violation("/tags/5", slug));
  }

  @Test
  void namesAreSingleLine() {
    ObjectNode spec = Docs.digits();
    spec.put("name", "Digits\n");

    assertThat(validate(spec))
        .containsExactly(
            new Violation("/name", "must not contain control characters such as line breaks"));
  }

  @Test
  void lengthsThatMustAgree() {
    ObjectNode table = Docs.fixture();
    ((ObjectNode) table.get("input").get("features").get(5)).put("name", "p1");
    ((ArrayNode) table.get("output").get("labels")).remove(9);
    ObjectNode image = Docs.mnist();
    image.set(
        "input",
        json(
            """
            {"channels": 1, "height": 28, "width": 28, "range": [1, 0],
             "normalization": {"mean": [0.5, 0.5, 0.5], "std": [0.5]}}
            """));

    assertThat(validate(table))
        .containsExactly(
            new Violation(
                "/input/features/5/name",
                "duplicates the name of /input/features/1; feature names must be unique"),
            new Violation(
                "/output/labels",
                "has 9 entries but output.dimension is 10; give one label per output component"));
    assertThat(validate(image))
        .containsExactly(
            new Violation(
                "/input/normalization/mean",
                "has 3 entries but input.channels is 1; give one value per channel"),
            new Violation("/input/range", "lower bound 1 must be less than upper bound 0"));
  }

  @Nested
  class SpecVersionDispatch {

    @Test
    void unknownVersionIsTheOnlyViolation() {
      ObjectNode spec = Docs.digits();
      spec.put("specVersion", 7);
      spec.remove("name");
      spec.put("tags", "not an array");

      assertThat(validate(spec))
          .containsExactly(
              new Violation(
                  "/specVersion", "unsupported specification version 7; supported versions: [1]"));
    }

    @Test
    void missingOrMistypedVersion() {
      ObjectNode spec = Docs.digits();
      spec.put("specVersion", "1");
      assertThat(validate(spec))
          .containsExactly(
              new Violation(
                  "/specVersion",
                  "unsupported specification version \"1\"; supported versions: [1]"));

      spec.remove("specVersion");
      assertThat(validate(spec))
          .containsExactly(new Violation("/specVersion", "is required; supported versions: [1]"));
    }

    @Test
    void integralFloatCountsAsTheInteger() {
      ObjectNode spec = Docs.digits();
      spec.put("specVersion", 1.0);
      assertThat(validate(spec)).isEmpty();
    }

    @Test
    void documentMustBeAnObject() {
      assertThat(validate(json("[]"))).containsExactly(new Violation("", "must be a JSON object"));
      assertThat(validate(null)).containsExactly(new Violation("", "must be a JSON object"));
    }
  }

  @Nested
  class Statistical {

    private static ObjectNode rkmeOf(ObjectNode spec) {
      return (ObjectNode) spec.get("statistical");
    }

    @Test
    void rowOfWrongLengthIsPointedAt() {
      ObjectNode spec = Docs.digitsWithRkme(4, 3);
      ((ArrayNode) rkmeOf(spec).get("z").get(2)).add(0.25);

      assertThat(validate(spec))
          .containsExactly(
              new Violation("/statistical/z/2", "has 4 values but statistical.dimension is 3"));
    }

    @Test
    void betaMustHaveOneWeightPerRow() {
      ObjectNode spec = Docs.digitsWithRkme(5, 3);
      rkmeOf(spec).set("beta", json("[0.25, 0.25, 0.25, 0.25]"));

      assertThat(validate(spec))
          .containsExactly(
              new Violation(
                  "/statistical/beta",
                  "has 4 entries but statistical.z has 5 rows; beta needs one weight per row of z"));
    }

    @Test
    void negativeWeight() {
      ObjectNode spec = Docs.digitsWithRkme(3, 2);
      rkmeOf(spec).set("beta", json("[0.6, -0.1, 0.5]"));

      assertThat(validate(spec))
          .containsExactly(new Violation("/statistical/beta/1", "must have a minimum value of 0"));
    }

    @Test
    void weightsMustSumToOne() {
      ObjectNode spec = Docs.digitsWithRkme(3, 2);
      rkmeOf(spec).set("beta", json("[0.5, 0.25, 0.125]"));

      assertThat(validate(spec))
          .containsExactly(
              new Violation(
                  "/statistical/beta",
                  "sums to 0.875 but the weights must sum to 1 (tolerance 1.0E-6)"));
    }

    @Test
    void sumWithinToleranceIsAccepted() {
      ObjectNode spec = Docs.digitsWithRkme(2, 2);
      rkmeOf(spec).set("beta", json("[0.5000004, 0.5000004]"));
      assertThat(validate(spec)).isEmpty();

      rkmeOf(spec).set("beta", json("[0.500001, 0.500001]"));
      assertThat(pointers(validate(spec))).containsExactly("/statistical/beta");
    }

    @Test
    void numbersBeyondDoubleRangeAreNotFinite() {
      ObjectNode spec = Docs.digitsWithRkme(2, 2);
      rkmeOf(spec).set("z", json("[[0.5, 1e400], [0.5, 0.5]]"));
      rkmeOf(spec).set("gamma", json("-1e400"));

      assertThat(validate(spec))
          .containsExactly(
              new Violation("/statistical/gamma", "must be a finite number"),
              new Violation("/statistical/gamma", "must have an exclusive minimum value of 0"),
              new Violation("/statistical/z/0/1", "must be a finite number"));
    }

    @Test
    void tooManyPoints() {
      ObjectNode spec = Docs.digitsWithRkme(SpecLimits.MAX_RKME_POINTS + 1, 2);

      assertThat(validate(spec))
          .containsExactly(
              new Violation(
                  "/statistical/z", "has 1001 rows; at most 1000 reduced-set points are allowed"));
    }

    @Test
    void tooManyNumbers() {
      ObjectNode spec = Docs.digitsWithRkme(1000, 2001);

      assertThat(validate(spec))
          .containsExactly(
              new Violation(
                  "/statistical/z", "holds 2001000 numbers (K·d); at most 2000000 are allowed"));
    }

    @Test
    void largestAllowedEmbedding() {
      assertThat(validate(Docs.digitsWithRkme(1000, 2000))).isEmpty();
    }

    @Test
    void tableRkmeLivesInTheInputSpace() {
      ObjectNode spec = Docs.digits();
      spec.set("statistical", Docs.rkme(3, 5));

      assertThat(validate(spec))
          .containsExactly(
              new Violation(
                  "/statistical/dimension",
                  "is 5 but input.dimension is 64; a tabular learnware's RKME summarises its input"
                      + " rows, so the two must be equal"));
    }

    @Test
    void imageRkmeLivesBehindTheImageFeatureMapOfTheInputShape() {
      ObjectNode spec = Docs.mnist();
      ObjectNode rkme = Docs.rkme(3, 64);
      rkme.set(
          "featureMap",
          json(
              """
              {"type": "image-sign-projection-v1", "channels": 1, "height": 28, "width": 28}"""));
      spec.set("statistical", rkme);
      assertThat(validate(spec)).isEmpty();

      rkme.put("dimension", 5);
      ((ObjectNode) rkme.get("featureMap")).put("height", 32);
      assertThat(validate(spec))
          .contains(
              new Violation(
                  "/statistical/dimension", "is 5 but the image feature map yields 64 features"),
              new Violation(
                  "/statistical/featureMap/height",
                  "is 32 but input.height is 28; the RKME must be computed from images of the"
                      + " input's shape"));

      rkme.remove("featureMap");
      assertThat(pointers(validate(spec))).contains("/statistical/featureMap");
    }

    @Test
    void tableRkmeHasNoFeatureMap() {
      ObjectNode spec = Docs.digitsWithRkme(2, 64);
      rkmeOf(spec)
          .set(
              "featureMap",
              json(
                  """
                  {"type": "image-sign-projection-v1", "channels": 1, "height": 8, "width": 8}"""));
      assertThat(pointers(validate(spec))).containsExactly("/statistical/featureMap");
    }

    @Test
    void rowsAreOrderedNumerically() {
      ObjectNode spec = Docs.digitsWithRkme(12, 64);
      ((ArrayNode) rkmeOf(spec).get("z").get(10)).remove(0);
      ((ArrayNode) rkmeOf(spec).get("z").get(2)).remove(0);

      assertThat(pointers(validate(spec))).containsExactly("/statistical/z/2", "/statistical/z/10");
    }

    @Test
    void missingAndUnknownMembers() {
      ObjectNode spec = Docs.digitsWithRkme(2, 64);
      rkmeOf(spec).remove("kernel");
      rkmeOf(spec).put("cuda_idx", -1);
      rkmeOf(spec).put("type", "rkme-image");

      assertThat(validate(spec))
          .containsExactly(
              new Violation("/statistical/cuda_idx", "is not allowed here (unknown member)"),
              new Violation("/statistical/kernel", "is required"),
              new Violation(
                  "/statistical/type",
                  "must be 'rkme-table' (or 'RKMETableSpecification' for the learnware package's"
                      + " format)"));
    }

    @Test
    void packageFormatIsAcceptedAndValidatedAfterConversion() {
      ObjectNode spec = Docs.digits();
      spec.set(
          "statistical",
          json(
              """
              {"type": "RKMETableSpecification", "gamma": 0.1, "num_points": 1437,
               "cuda_idx": -1, "device": "cpu",
               "z": [[0.5, 0.5], [0.25, 0.75]], "beta": [[0.4], [0.6]]}
              """));

      assertThat(validate(spec))
          .containsExactly(
              new Violation(
                  "/statistical/dimension",
                  "is 2 but input.dimension is 64; a tabular learnware's RKME summarises its input"
                      + " rows, so the two must be equal"));

      ((ObjectNode) spec.get("input")).put("dimension", 2);
      assertThat(validate(spec)).isEmpty();
    }

    @Test
    void packageRoundingOfDroppedWeightsIsZero() {
      ObjectNode spec = Docs.digits();
      ((ObjectNode) spec.get("input")).put("dimension", 2);
      spec.set(
          "statistical",
          json(
              """
              {"type": "RKMETableSpecification", "gamma": 0.1, "num_points": 10,
               "z": [[0.5, 0.5], [0.25, 0.75], [0, 1]], "beta": [0.4, 0.6, -1e-12]}"""));
      assertThat(validate(spec)).isEmpty();
      assertThat(SpecDocuments.parse(SpecDocuments.normalize(spec)).statistical().beta())
          .containsExactly(0.4, 0.6, 0.0);

      ((ObjectNode) spec.get("statistical")).set("beta", json("[0.4, 0.6, -1e-6]"));
      assertThat(pointers(validate(spec))).contains("/statistical/beta/2");
    }

    @Test
    void standaloneDocumentOfASearchRequest() {
      JsonNode canonical = Docs.rkme(3, 4);
      JsonNode broken =
          json(
              """
              {"type": "RKMETableSpecification", "gamma": 0.1, "num_points": 0,
               "z": [[0.5, 0.5], [0.25]], "beta": [1.5]}
              """);

      assertThat(VALIDATOR.validateStatistical(canonical)).isEmpty();
      assertThat(VALIDATOR.validateStatistical(broken))
          .containsExactly(
              new Violation(
                  "/beta", "has 1 entries but z has 2 rows; beta needs one weight per row of z"),
              new Violation(
                  "/beta", "sums to 1.5 but the weights must sum to 1 (tolerance 1.0E-6)"),
              new Violation("/numPoints", "must have a minimum value of 1"),
              new Violation("/z/1", "has 1 values but dimension is 2"));
      assertThat(VALIDATOR.validateStatistical(json("{\"x-note\": 1}")))
          .contains(new Violation("/x-note", "is not allowed here (unknown member)"));
    }
  }

  @Test
  void sharedInstanceIsThreadSafe() {
    List<JsonNode> documents =
        List.of(
            Docs.fixture(),
            Docs.mnist(),
            json("{\"specVersion\": 1}"),
            Docs.digitsWithRkme(50, 64));
    List<List<Violation>> expected = documents.stream().map(VALIDATOR::validate).toList();

    IntStream.range(0, 200)
        .parallel()
        .forEach(
            i ->
                assertThat(VALIDATOR.validate(documents.get(i % 4)))
                    .isEqualTo(expected.get(i % 4)));
  }
}
