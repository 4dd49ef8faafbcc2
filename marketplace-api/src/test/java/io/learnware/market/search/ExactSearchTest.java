package io.learnware.market.search;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.StrictGaussian;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A statistical search's results are those of a full double-precision comparison of every stored
 * RKME of the space, order and MMDs to the last bit, even where scores tie to a few parts in a
 * billion: 300 learnwares in groups of 15 near-duplicates (points moved by about 1e−7), in a space
 * of their own (d = 16, γ = 0.25), so that other tests' learnwares are not in it. This class runs
 * the certified search of small spaces; {@link ShortlistedExactSearchTest} the same checks through
 * the sketch's shortlist.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class ExactSearchTest {

  private static final int D = 16;
  private static final int K = 20;
  private static final double GAMMA = 0.25;
  private static final int GROUP = 15;
  private static final int COUNT = 300;

  @Inject DataSource dataSource;
  @Inject StatisticalIndex index;

  private String owner;

  /** Seeds the space once per database: the subclass's application finds it seeded. */
  @BeforeEach
  void seed() throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement seeded =
            connection.prepareStatement(
                "SELECT DISTINCT l.owner FROM version_rkme r JOIN learnware l"
                    + " ON l.current_version_id = r.version_id WHERE r.space = ?")) {
      seeded.setString(1, "table/d=" + D + "/gamma=" + GAMMA);
      try (ResultSet rows = seeded.executeQuery()) {
        owner = rows.next() ? rows.getString(1) : null;
      }
    }
    if (owner == null) {
      String token = MARKET.newUser("exact");
      owner = MARKET.usernameOf(token);
      MARKET.uploadDigits(token, owner, "model-holder").then().statusCode(201);
      SeededLearnwares.seed(dataSource, owner, 0, COUNT, ExactSearchTest::stored);
    }
    index.reload();
  }

  @Test
  void theBestTenAreThoseOfAFullComparisonAmongNearDuplicates() {
    for (int group : new int[] {0, 7, 19}) {
      Rkme query = query(group, 1000 + group);
      List<Map.Entry<String, Double>> expected = fullComparison(query);
      // The group's own 15 come first, within a few parts in a billion of each other.
      double spread = expected.get(GROUP - 1).getValue() - expected.getFirst().getValue();
      assertThat(spread).isLessThan(1e-6 * expected.getFirst().getValue() + 1e-9);

      JsonPath found = search(query, 10, 0);
      for (int rank = 0; rank < 10; rank++) {
        assertThat(found.getString("single[" + rank + "].learnware"))
            .as("rank %d for group %d", rank, group)
            .isEqualTo(expected.get(rank).getKey());
        assertThat(found.getDouble("single[" + rank + "].mmd"))
            .as("MMD at rank %d", rank)
            .isEqualTo(Math.sqrt(expected.get(rank).getValue()));
      }
      assertThat(found.getInt("total")).isEqualTo(COUNT);
    }
  }

  @Test
  void aPageFurtherOnIsExactToo() {
    Rkme query = query(4, 77);
    List<Map.Entry<String, Double>> expected = fullComparison(query);
    JsonPath found = search(query, 5, 12);
    for (int i = 0; i < 5; i++) {
      assertThat(found.getString("single[" + i + "].learnware"))
          .isEqualTo(expected.get(12 + i).getKey());
    }
  }

  /**
   * A page of three asks for the best three, but the mixture is fitted from the best twenty: those
   * beyond the page are described too, so a user between two groups gets a mixture of both,
   * whatever the page. (Which of a group's near-duplicates it takes may differ: beyond the page the
   * pool's order rests on the float comparison.)
   */
  @Test
  void theMixtureOfAShortPageDrawsOnTheWholePool() {
    Rkme between = query(List.of(3, 11), 55);
    JsonPath page = search(between, 3, 0);
    JsonPath wide = search(between, 20, 0);
    List<String> shown = page.getList("single.learnware", String.class);
    assertThat(shown).isEqualTo(wide.getList("single.learnware", String.class).subList(0, 3));
    List<String> mixture = page.getList("mixture.items.learnware", String.class);
    // One of each group (bench-45..59 and bench-165..179), one of them beyond the page.
    assertThat(mixture)
        .hasSize(2)
        .anyMatch(l -> l.matches(".*/bench-(4[5-9]|5[0-9])@1"))
        .anyMatch(l -> l.matches(".*/bench-(16[5-9]|17[0-9])@1"))
        .anyMatch(l -> !shown.contains(l));
    double mmd = wide.getDouble("mixture.mmd");
    assertThat(page.getDouble("mixture.mmd")).isCloseTo(mmd, within(1e-6 * mmd));
  }

  /**
   * A version deleted without this instance hearing of it (another instance's delete, its notice
   * not yet arrived) is still listed by the index and its points may be cached: it is left out, not
   * a 500.
   */
  @Test
  void aVersionDeletedBehindTheIndexsBackIsLeftOut() throws Exception {
    String token = MARKET.newUser("deleted");
    String other = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, other, "model-holder").then().statusCode(201);
    SeededLearnwares.seedOnALine(dataSource, other, 3, 0.5, 3, 1);
    index.reload();
    Rkme query = SeededLearnwares.point(0.5, 0, 0, 0);
    assertThat(search(query, 3, 0).getString("single[0].learnware"))
        .isEqualTo(other + "/bench-0@1");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement(
                "WITH gone AS (UPDATE learnware SET current_version_id = NULL"
                    + " WHERE owner = ? AND name = 'bench-0' RETURNING id)"
                    + " DELETE FROM learnware_version WHERE learnware_id IN (SELECT id FROM gone)")) {
      delete.setString(1, other);
      assertThat(delete.executeUpdate()).isEqualTo(1);
    }
    JsonPath found = search(query, 3, 0);
    assertThat(found.getList("single.learnware")).isNotEmpty().doesNotContain(other + "/bench-0@1");
    // The next nearest (the subclass's run finds this one's learnwares in the space too).
    assertThat(found.getString("single[0].learnware")).endsWith("/bench-1@1");
  }

  /**
   * A learnware made private without this instance hearing of it (another instance's change, its
   * notice not yet arrived): the index still holds it as public, but the results are checked
   * against the database, so an outsider does not see it.
   */
  @Test
  void aLearnwareMadePrivateBehindTheIndexsBackIsLeftOut() throws Exception {
    String token = MARKET.newUser("hidden");
    String other = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, other, "model-holder").then().statusCode(201);
    // A space of its own (d = 2), so that the subclass's run sees only its own seeds.
    double gamma = getClass() == ExactSearchTest.class ? 0.5 : 0.75;
    SeededLearnwares.seedOnALine(dataSource, other, 3, gamma, 2, 1);
    index.reload();
    Rkme query = SeededLearnwares.point(gamma, 0, 0);
    assertThat(search(query, 3, 0).getList("single.learnware"))
        .containsExactly(other + "/bench-0@1", other + "/bench-1@1", other + "/bench-2@1");
    // Halfway between bench-0 and bench-1, the two make the recommended mixture.
    Rkme between = SeededLearnwares.point(gamma, 0.5, 0);
    assertThat(search(between, 3, 0).getList("mixture.items.learnware", String.class))
        .containsExactlyInAnyOrder(other + "/bench-0@1", other + "/bench-1@1");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement hide =
            connection.prepareStatement(
                "UPDATE learnware SET visibility = 'private' WHERE owner = ? AND name = 'bench-0'")) {
      hide.setString(1, other);
      assertThat(hide.executeUpdate()).isEqualTo(1);
    }
    assertThat(search(query, 3, 0).getList("single.learnware"))
        .containsExactly(other + "/bench-1@1", other + "/bench-2@1");
    // The mixture, fitted while the results were described, is fitted again without it: bench-1
    // alone is then the best fit (adding bench-2 does not help), so there is none.
    assertThat(search(between, 3, 0).getMap("mixture")).isNull();
    // Once the index has caught up, the count leaves it out too.
    index.sync();
    JsonPath synced = search(query, 3, 0);
    assertThat(synced.getInt("total")).isEqualTo(2);
    assertThat(synced.getList("single.learnware"))
        .containsExactly(other + "/bench-1@1", other + "/bench-2@1");
  }

  /** A statistical search over HTTP, anonymously; MMDs read as doubles. */
  static JsonPath search(Rkme query, int limit, int offset) {
    return given()
        .contentType("application/json")
        .body(
            Map.of(
                "limit",
                limit,
                "offset",
                offset,
                "statistical",
                SpecDocuments.mapper().valueToTree(query.toSpec())))
        .post("/api/v1/search")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        // Doubles, not RestAssured's default floats: the MMDs are compared to the last bit.
        .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
  }

  /** Every seeded learnware as stored, compared in double, ordered as the market orders ties. */
  private List<Map.Entry<String, Double>> fullComparison(Rkme query) {
    List<Map.Entry<String, Double>> all = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      Rkme asStored = VersionRkme.of(0, stored(i)).rkme();
      all.add(Map.entry(owner + "/bench-" + i + "@1", query.mmdSquared(asStored)));
    }
    all.sort(
        Comparator.comparingDouble(Map.Entry<String, Double>::getValue)
            .thenComparing(Map.Entry::getKey));
    return all;
  }

  /** Learnware i: copy {@code i % 15} of group {@code i / 15}'s RKME, moved by about 1e−7. */
  private static RkmeSpec stored(long i) {
    long group = i / GROUP;
    SplittableRandom random = new SplittableRandom(group);
    double[] center = random.doubles(D, 0, 2).toArray();
    double[] z = new double[K * D];
    for (int j = 0; j < K * D; j++) {
      z[j] = center[j % D] + 0.5 * StrictGaussian.next(random);
    }
    double[] beta = random.doubles(K, 0.5, 1.5).toArray();
    SplittableRandom jitter = new SplittableRandom(1_000_000 + i);
    for (int j = 0; j < z.length; j++) {
      z[j] += 1e-7 * StrictGaussian.next(jitter);
    }
    double sum = 0;
    for (double b : beta) {
      sum += b;
    }
    for (int j = 0; j < K; j++) {
      beta[j] /= sum;
    }
    return new Rkme(GAMMA, 1000, new Matrix(K, D, z), beta).toSpec();
  }

  /** A user's RKME of 400 fresh rows around group {@code group}'s center. */
  private static Rkme query(int group, long seed) {
    return query(List.of(group), seed);
  }

  /** A user's RKME of 400 fresh rows, in equal parts around each of the groups' centers. */
  private static Rkme query(List<Integer> groups, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[400 * D];
    int rows = 400 / groups.size();
    for (int g = 0; g < groups.size(); g++) {
      double[] center = new SplittableRandom(groups.get(g)).doubles(D, 0, 2).toArray();
      for (int j = g * rows * D; j < (g + 1) * rows * D; j++) {
        x[j] = center[j % D] + 0.5 * StrictGaussian.next(random);
      }
    }
    return Rkme.builder().setData(new Matrix(400, D, x)).optGamma(GAMMA).optPoints(K).build();
  }
}
