package io.learnware.market.search;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.FeatureMapSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.RealData.Labelled;
import io.learnware.spec.rkme.Rkme;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * Search over real HTTP on real data: learnwares whose RKMEs summarise different parts of digits
 * and Fashion-MNIST, users whose held-out data comes from one part or spans two.
 *
 * <p>The uploaded model is the digits fixture for every learnware: search reads only the
 * specification, and the model's format is all the upload checks today.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class SearchTest {

  private static final Object LOCK = new Object();
  private static Catalogue catalogue;

  /** What the tests uploaded, once for the class. */
  private record Catalogue(String owner, Labelled[] digits, Labelled[] fashion) {}

  private static final IntPredicate LOW = l -> l < 5;
  private static final IntPredicate HIGH = l -> l >= 5;
  private static final IntPredicate CLOTHING = l -> l == 0 || l == 2 || l == 3 || l == 4 || l == 6;
  private static final IntPredicate FOOTWEAR = l -> l == 5 || l == 7 || l == 9;

  private static Catalogue catalogue() {
    synchronized (LOCK) {
      if (catalogue == null) {
        String token = MARKET.newUser("search");
        String owner = MARKET.usernameOf(token);
        Labelled[] digits = RealData.digits().split(0.5, 20261128);
        Labelled[] fashion = RealData.fashionFeatures().split(0.5, 20261128);
        upload(token, owner, "digits-low", tableSpec("Digits 0-4", "low", digits[0].where(LOW)));
        upload(token, owner, "digits-high", tableSpec("Digits 5-9", "high", digits[0].where(HIGH)));
        upload(token, owner, "uniform-noise", tableSpec("Uniform noise", "noise", noise(900, 64)));
        upload(
            token,
            owner,
            "fashion-clothing",
            imageSpec("Clothing", fashion[0].where(CLOTHING).x()));
        upload(
            token,
            owner,
            "fashion-footwear",
            imageSpec("Footwear", fashion[0].where(FOOTWEAR).x()));
        // Same spec without an RKME: found by text, never by statistics.
        upload(token, owner, "digits-plain", Fixtures.text(Fixtures.DIGITS_SPEC));
        MARKET.validateAll();
        catalogue = new Catalogue(owner, digits, fashion);
      }
      return catalogue;
    }
  }

  @Test
  void heldOutDigitsFindTheLearnwareOfTheirPart() {
    Catalogue c = catalogue();

    JsonPath low = statisticalSearch(c, rkme(c.digits[1].where(LOW).x()), "table");
    JsonPath high = statisticalSearch(c, rkme(c.digits[1].where(HIGH).x()), "table");

    assertThat(low.getString("single[0].learnware")).isEqualTo(c.owner + "/digits-low@1");
    assertThat(high.getString("single[0].learnware")).isEqualTo(c.owner + "/digits-high@1");
    // Only the three tabular learnwares with RKMEs live in the query's space.
    assertThat(low.getInt("total")).isEqualTo(3);
    assertThat(low.getList("single.learnware")).hasSize(3).last().asString().contains("noise");
    float bestScore = low.getFloat("single[0].score");
    float secondScore = low.getFloat("single[1].score");
    assertThat(bestScore).isBetween(0.9f, 1f);
    assertThat(secondScore).isLessThan(bestScore);
    assertThat(low.getFloat("single[0].mmd")).isLessThan(low.getFloat("single[1].mmd"));
    // A user within one part gets no mixture.
    assertThat(low.getMap("mixture")).isNull();
  }

  @Test
  void theLearnwarePackagesFormatIsAcceptedAsAQuery() {
    Catalogue c = catalogue();
    ObjectNode canonical = rkme(c.digits[1].where(HIGH).x());
    ObjectNode packageFormat =
        Fixtures.json("{\"type\": \"RKMETableSpecification\", \"cuda_idx\": -1}");
    packageFormat.set("gamma", canonical.get("gamma"));
    packageFormat.set("num_points", canonical.get("numPoints"));
    packageFormat.set("z", canonical.get("z"));
    ArrayNode column = packageFormat.putArray("beta");
    canonical.get("beta").forEach(weight -> column.addArray().add(weight));

    JsonPath result = statisticalSearch(c, packageFormat, "table");

    assertThat(result.getString("single[0].learnware")).isEqualTo(c.owner + "/digits-high@1");
    assertThat(result.getFloat("single[0].mmd"))
        .isEqualTo(statisticalSearch(c, canonical, "table").getFloat("single[0].mmd"));
  }

  @Test
  void heldOutDigitsSpanningBothPartsGetAMixture() {
    Catalogue c = catalogue();

    JsonPath both = statisticalSearch(c, rkme(c.digits[1].x()), "table");

    Map<String, Float> weights =
        Map.of(
            both.getString("mixture.items[0].learnware"),
            both.getFloat("mixture.items[0].weight"),
            both.getString("mixture.items[1].learnware"),
            both.getFloat("mixture.items[1].weight"));
    assertThat(weights).containsOnlyKeys(c.owner + "/digits-low@1", c.owner + "/digits-high@1");
    // The held-out half is about evenly split between 0-4 and 5-9.
    assertThat(weights.values()).allSatisfy(w -> assertThat(w).isBetween(0.35f, 0.65f));
    assertThat(both.getFloat("mixture.mmd")).isLessThan(both.getFloat("single[0].mmd") / 2);
    assertThat(both.getFloat("mixture.score")).isGreaterThan(both.getFloat("single[0].score"));
  }

  @Test
  void heldOutFashionImagesFindTheirPartAndMixturesSpanBoth() {
    Catalogue c = catalogue();

    JsonPath footwear = statisticalSearch(c, imageRkme(c.fashion[1].where(FOOTWEAR).x()), "image");
    JsonPath clothing = statisticalSearch(c, imageRkme(c.fashion[1].where(CLOTHING).x()), "image");
    JsonPath both =
        statisticalSearch(
            c,
            imageRkme(c.fashion[1].where(l -> CLOTHING.test(l) || FOOTWEAR.test(l)).x()),
            "image");

    assertThat(footwear.getString("single[0].learnware"))
        .isEqualTo(c.owner + "/fashion-footwear@1");
    assertThat(clothing.getString("single[0].learnware"))
        .isEqualTo(c.owner + "/fashion-clothing@1");
    assertThat(footwear.getInt("total")).isEqualTo(2);
    assertThat(both.getList("mixture.items.learnware"))
        .containsExactlyInAnyOrder(
            c.owner + "/fashion-clothing@1", c.owner + "/fashion-footwear@1");
  }

  @Test
  void imageQueryOfAnotherShapeFindsNothing() {
    Catalogue c = catalogue();
    ObjectNode query = imageRkme(c.fashion[1].where(FOOTWEAR).x());
    ((ObjectNode) query.get("featureMap")).put("height", 32).put("width", 32);

    JsonPath result = statisticalSearch(c, query, "image");

    assertThat(result.getInt("total")).isZero();
    assertThat(result.getList("single")).isEmpty();
  }

  @Test
  void textFiltersAndShapesSelectByMeaning() {
    Catalogue c = catalogue();

    JsonPath text = search(Map.of("q", "footwear", "filters", Map.of("owner", c.owner)));
    assertThat(text.getList("single.learnware")).containsExactly(c.owner + "/fashion-footwear@1");
    assertThat(text.getFloat("single[0].score")).isBetween(0f, 1f);

    JsonPath tables =
        search(Map.of("filters", Map.of("owner", c.owner, "input", Map.of("dimension", 64))));
    assertThat(tables.getInt("total")).isEqualTo(4);
    // No text rank: every match scores 1 and ties are ordered by owner/name.
    assertThat(tables.getList("single.name"))
        .containsExactly("digits-high", "digits-low", "digits-plain", "uniform-noise");
    assertThat(tables.getList("single.score", Float.class)).containsOnly(1f);

    JsonPath images =
        search(
            Map.of(
                "filters",
                Map.of(
                    "owner",
                    c.owner,
                    "dataType",
                    "image",
                    "input",
                    Map.of("channels", 1, "height", 28, "width", 28),
                    "output",
                    Map.of("dimension", 10))));
    assertThat(images.getList("single.name"))
        .containsExactly("fashion-clothing", "fashion-footwear");

    JsonPath noMatch =
        search(Map.of("filters", Map.of("owner", c.owner, "output", Map.of("dimension", 3))));
    assertThat(noMatch.getInt("total")).isZero();

    JsonPath tagged = search(Map.of("filters", Map.of("owner", c.owner, "tags", List.of("low"))));
    assertThat(tagged.getList("single.name")).containsExactly("digits-low");
  }

  @Test
  void filtersNarrowStatisticalSearch() {
    Catalogue c = catalogue();
    ObjectNode query = rkme(c.digits[1].where(LOW).x());

    JsonPath onlyHigh =
        search(
            Map.of(
                "statistical",
                query,
                "filters",
                Map.of("owner", c.owner, "tags", List.of("high"))));

    assertThat(onlyHigh.getList("single.learnware")).containsExactly(c.owner + "/digits-high@1");
    assertThat(onlyHigh.getInt("total")).isEqualTo(1);

    // Text that no description holds leaves nothing to compare.
    JsonPath none =
        search(Map.of("statistical", query, "q", "zeppelin", "filters", Map.of("owner", c.owner)));
    assertThat(none.getList("single")).isEmpty();
    assertThat(none.getInt("total")).isZero();
    assertThat(none.getString("mixture")).isNull();
  }

  @Test
  void pagesAreStableAndComplete() {
    Catalogue c = catalogue();
    Map<String, Object> filters = Map.of("owner", c.owner);

    List<String> all = search(Map.of("filters", filters, "limit", 100)).getList("single.name");
    List<String> first = search(Map.of("filters", filters, "limit", 2)).getList("single.name");
    List<String> second =
        search(Map.of("filters", filters, "limit", 2, "offset", 2)).getList("single.name");
    List<String> beyond =
        search(Map.of("filters", filters, "limit", 2, "offset", 50)).getList("single.name");

    assertThat(all).hasSize(6);
    assertThat(first).containsExactlyElementsOf(all.subList(0, 2));
    assertThat(second).containsExactlyElementsOf(all.subList(2, 4));
    assertThat(beyond).isEmpty();
    assertThat(search(Map.of("filters", filters, "offset", 50)).getInt("total")).isEqualTo(6);
  }

  @Test
  void badStatisticalSpecsAreRejectedWithViolations() {
    Catalogue c = catalogue();
    ObjectNode good = rkme(c.digits[1].where(LOW).x());

    ObjectNode wrongRow = good.deepCopy();
    ((ArrayNode) wrongRow.get("z").get(3)).remove(0);
    badRequest(wrongRow)
        .body("violations.pointer", hasItem("/statistical/z/3"))
        .body("violations.message", hasItem("has 63 values but dimension is 64"));

    ObjectNode offSimplex = good.deepCopy();
    ((ArrayNode) offSimplex.get("beta")).set(0, 0.9);
    badRequest(offSimplex).body("violations.pointer", hasItem("/statistical/beta"));

    ObjectNode negative = good.deepCopy();
    ((ArrayNode) negative.get("beta")).set(1, -0.5);
    badRequest(negative).body("violations.pointer", hasItem("/statistical/beta/1"));

    ObjectNode infinite = good.deepCopy();
    infinite.put("gamma", Double.POSITIVE_INFINITY);
    badRequest(infinite).body("violations.pointer", hasItem("/statistical/gamma"));

    ObjectNode tooLarge = Fixtures.json(rkmeDocument(1001, 2));
    badRequest(tooLarge)
        .body("violations.message", hasItem(containsString("at most 1000 reduced-set points")));

    given()
        .contentType("application/json")
        .body("{\"statistical\": {\"type\": \"rkme-table\", \"gamma\": NaN}}")
        .post("/api/v1/search")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void badFiltersAndPagingAreRejected() {
    given()
        .contentType("application/json")
        .body(
            Map.of(
                "filters",
                Map.of("state", "INVALID", "dataType", "video"),
                "limit",
                0,
                "offset",
                -1))
        .post("/api/v1/search")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body(
            "violations.pointer",
            equalTo(List.of("/limit", "/offset", "/filters/dataType", "/filters/state")));
  }

  private static io.restassured.response.ValidatableResponse badRequest(JsonNode statistical) {
    return given()
        .contentType("application/json")
        .body(Map.of("statistical", statistical))
        .post("/api/v1/search")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("status", equalTo(400));
  }

  @Test
  void regressorsAreFoundByMeaningAndByTheirDataAsClassifiersAre() throws Exception {
    String token = MARKET.newUser("search-reg");
    String owner = MARKET.usernameOf(token);
    // diabetes-sex1 and diabetes-sex2: each trained on the patients of one sex (the standardised
    // sex column is negative for sex 1), published with the RKME of those training rows.
    Matrix train =
        CsvTables.read(
                Fixtures.path("data/diabetes-train.csv.gz"), "label", ProgressListener.none())
            .features();
    Matrix test =
        CsvTables.read(Fixtures.path("data/diabetes-test.csv.gz"), "label", ProgressListener.none())
            .features();
    for (int sex = 1; sex <= 2; sex++) {
      ObjectNode spec = Fixtures.json(Fixtures.text("diabetes-sex" + sex + "/spec.json"));
      spec.set("statistical", rkme(ofSex(train, sex)));
      MARKET
          .upload(
              token,
              owner,
              "diabetes-sex" + sex,
              spec.toString(),
              "diabetes-sex" + sex + "/model.pt")
          .then()
          .statusCode(201);
    }
    MARKET.validateAll();

    JsonPath byMeaning = search(Map.of("filters", Map.of("owner", owner, "task", "regression")));
    assertThat(byMeaning.getList("single.learnware"))
        .containsExactlyInAnyOrder(owner + "/diabetes-sex1@1", owner + "/diabetes-sex2@1");
    assertThat(
            search(Map.of("filters", Map.of("owner", owner, "task", "classification")))
                .getInt("total"))
        .isZero();
    for (int sex = 1; sex <= 2; sex++) {
      JsonPath found =
          search(
              Map.of(
                  "statistical",
                  rkme(ofSex(test, sex)),
                  "filters",
                  Map.of("owner", owner, "task", "regression")));
      assertThat(found.getString("single[0].learnware"))
          .isEqualTo(owner + "/diabetes-sex" + sex + "@1");
      assertThat(found.getFloat("single[0].mmd")).isLessThan(found.getFloat("single[1].mmd"));
    }
    // All test patients span both: the mixture names both learnwares.
    JsonPath both = search(Map.of("statistical", rkme(test), "filters", Map.of("owner", owner)));
    assertThat(both.getList("mixture.items.learnware"))
        .containsExactlyInAnyOrder(owner + "/diabetes-sex1@1", owner + "/diabetes-sex2@1");
  }

  /** The rows of one sex: its standardised column (index 1) is negative for sex 1. */
  private static Matrix ofSex(Matrix rows, int sex) {
    return Matrix.of(
        java.util.Arrays.stream(rows.toArrays())
            .filter(row -> (row[1] < 0) == (sex == 1))
            .toArray(double[][]::new));
  }

  private static JsonPath statisticalSearch(Catalogue c, ObjectNode rkme, String dataType) {
    return search(
        Map.of("statistical", rkme, "filters", Map.of("owner", c.owner, "dataType", dataType)));
  }

  private static JsonPath search(Map<String, Object> body) {
    return given()
        .contentType("application/json")
        .body(body)
        .post("/api/v1/search")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static void upload(String token, String owner, String name, String spec) {
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.getBytes(), "application/json")
        .multiPart(
            "model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL), "application/octet-stream")
        .multiPart(
            "file",
            "features.pt",
            Fixtures.bytes(Fixtures.DIGITS_FEATURES),
            "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
        .then()
        .statusCode(201);
  }

  private static String tableSpec(String title, String tag, Labelled data) {
    return tableSpec(title, tag, data.x());
  }

  private static String tableSpec(String title, String tag, Matrix x) {
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.put("name", title);
    spec.putArray("tags").add(tag);
    spec.set("statistical", rkme(x));
    return spec.toString();
  }

  private static String imageSpec(String title, Matrix features) {
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.put("name", title);
    spec.put("description", title + " from Fashion-MNIST, 28x28 grey images.");
    spec.put("dataType", "image");
    spec.set(
        "input",
        Fixtures.json("{\"channels\": 1, \"height\": 28, \"width\": 28, \"range\": [0, 1]}"));
    spec.putArray("tags").add(title.toLowerCase());
    spec.set("statistical", imageRkme(features));
    return spec.toString();
  }

  private static ObjectNode rkme(Matrix x) {
    return SpecDocuments.mapper().valueToTree(Rkme.builder().setData(x).build().toSpec());
  }

  private static ObjectNode imageRkme(Matrix features) {
    return SpecDocuments.mapper()
        .valueToTree(
            Rkme.builder()
                .setData(features)
                .build()
                .toSpec()
                .withFeatureMap(FeatureMapSpec.imageSignProjection(1, 28, 28)));
  }

  private static Matrix noise(int rows, int columns) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    return new Matrix(rows, columns, random.doubles((long) rows * columns).toArray());
  }

  private static String rkmeDocument(int rows, int dimension) {
    StringBuilder z = new StringBuilder();
    StringBuilder beta = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      z.append(i == 0 ? "" : ",").append("[0.5").append(",0.5".repeat(dimension - 1)).append("]");
      beta.append(i == 0 ? "" : ",").append(1.0 / rows);
    }
    return """
        {"type": "rkme-table", "kernel": "gaussian", "gamma": 0.1, "dimension": %d,
         "numPoints": 5000, "z": [%s], "beta": [%s]}"""
        .formatted(dimension, z, beta);
  }
}
