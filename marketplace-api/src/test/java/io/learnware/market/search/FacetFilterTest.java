package io.learnware.market.search;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.account.Access;
import io.learnware.market.search.SearchDtos.Filters;
import io.learnware.market.search.SearchDtos.InputFilter;
import io.learnware.market.search.SearchDtos.OutputFilter;
import io.learnware.market.search.SearchDtos.RobustnessFilter;
import io.learnware.market.search.StatisticalIndex.StateFilter;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.SpecDocuments;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A statistical search tests its filters on the facets the index holds; they pass exactly the
 * learnwares the SQL condition passes ({@link CurrentVersionSql}), for every filter and for text
 * with and, or, not, stemming, stop words and unknown words. 60 learnwares of two owners in a space
 * of their own (d = 7), their fields varied so that each filter passes some and not others.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class FacetFilterTest {

  private static final int COUNT = 60;
  private static final String SPACE = "table/d=7/gamma=0.5";

  @Inject DataSource dataSource;
  @Inject StatisticalIndex index;
  @Inject EntityManager em;

  private String owner;
  private String other;

  /** learnware id → name, of the seeded learnwares. */
  private final Map<Long, String> seeded = new HashMap<>();

  @BeforeEach
  void seed() throws Exception {
    owner = ownerIn(SPACE, false);
    if (owner == null) {
      owner = seedVaried("facets", 0, COUNT / 2);
      seedVaried("facets-other", COUNT / 2, COUNT);
    }
    other = ownerIn(SPACE, true);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement names =
            connection.prepareStatement(
                "SELECT l.id, l.name FROM learnware l JOIN version_rkme r"
                    + " ON r.version_id = l.current_version_id WHERE r.space = ?")) {
      names.setString(1, SPACE);
      try (ResultSet rows = names.executeQuery()) {
        while (rows.next()) {
          seeded.put(rows.getLong(1), rows.getString(2));
        }
      }
    }
    assertThat(seeded).hasSize(COUNT);
    index.reload();
  }

  @Test
  void facetsPassWhatTheSqlConditionPasses() {
    List<Case> cases =
        List.of(
            new Case(null, filters("image", null, null, null, null, null, null), 20),
            new Case(null, filters(null, "regression", "MIT", null, null, null, null), 15),
            new Case(null, filters(null, null, null, List.of("digits"), null, null, null), 36),
            new Case(
                null, filters(null, null, null, List.of("digits", "small"), null, null, null), 24),
            new Case(
                null,
                filters(null, null, null, null, null, new InputFilter(64, 1, null, null), null),
                10),
            new Case(
                null,
                filters(null, null, null, null, null, new InputFilter(null, null, 28, null), null),
                0),
            new Case(null, filters(null, null, null, null, null, null, 11), 20),
            new Case(null, filters(null, null, null, null, other, null, null), 30),
            new Case(null, filters("  ", null, null, null, null, null, null), COUNT),
            new Case("digits", Filters.NONE, null),
            new Case("cats or digits", Filters.NONE, null),
            new Case("digits -cats", Filters.NONE, null),
            new Case("handwritten digit classifiers", Filters.NONE, null),
            new Case("bench", Filters.NONE, COUNT),
            new Case("small", Filters.NONE, null),
            new Case("the of", Filters.NONE, 0),
            new Case("zebra", Filters.NONE, 0),
            new Case("-zebra", Filters.NONE, COUNT),
            new Case(
                "digits or photos",
                filters("table", "classification", null, List.of("small"), null, null, null),
                null));
    for (Case c : cases) {
      List<String> inMemory = passing(c, true);
      List<String> inSql = passing(c, false);
      assertThat(inMemory).as(c.toString()).isEqualTo(inSql);
      if (c.expected() != null) {
        assertThat(inMemory).as(c.toString()).hasSize(c.expected());
      } else {
        assertThat(inMemory.size()).as(c.toString()).isBetween(1, COUNT - 1);
      }
    }
  }

  @Test
  void phrasesAndRobustnessAreLeftToTheDatabase() {
    assertThat(text("\"handwritten digits\"")).isEmpty();
    assertThat(
            Facets.filter(
                new Filters(
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    new RobustnessFilter("clean", null, 0.5)),
                null))
        .isEmpty();
  }

  /** Over HTTP: the total and the results of a filtered search are those the SQL passes. */
  @Test
  void aFilteredSearchCountsAndRanksWhatPasses() {
    Case c =
        new Case(
            "digits -cats", filters(null, null, null, List.of("small"), null, null, null), null);
    List<String> passing = passing(c, false);
    var query =
        SpecDocuments.mapper()
            .valueToTree(SeededLearnwares.point(0.5, 0, 0, 0, 0, 0, 0, 0).toSpec());
    var response =
        given()
            .contentType("application/json")
            .body(
                Map.of(
                    "q",
                    c.q(),
                    "filters",
                    Map.of("tags", List.of("small")),
                    "statistical",
                    query,
                    "limit",
                    100))
            .post("/api/v1/search")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(response.getInt("total")).isEqualTo(passing.size()).isBetween(1, COUNT - 1);
    assertThat(response.getList("single.name", String.class))
        .containsExactlyInAnyOrderElementsOf(passing);
    // Seeded on a line from the origin: nearest first is in the order of their numbers.
    assertThat(response.getList("single.name", String.class))
        .isSortedAccordingTo((a, b) -> Integer.compare(number(a), number(b)));
  }

  private record Case(String q, Filters filters, Integer expected) {}

  /** Names of the seeded learnwares the case passes, tested in memory or by SQL. */
  private List<String> passing(Case c, boolean inMemory) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              LongPredicate passes;
              if (inMemory) {
                TextQuery text = c.q() == null ? null : TextQuery.of(em, c.q()).orElseThrow();
                passes =
                    index.matching(
                        new RkmeSpace(SPACE), Facets.filter(c.filters(), text).orElseThrow());
              } else {
                passes =
                    CurrentVersionSql.of(
                            c.q(), c.filters(), StateFilter.USABLE, Access.Readable.ALL)
                        .matchingIds(em);
              }
              List<String> names = new ArrayList<>();
              seeded.forEach(
                  (id, name) -> {
                    if (passes.test(id)) {
                      names.add(name);
                    }
                  });
              names.sort(String::compareTo);
              return names;
            });
  }

  private Optional<TextQuery> text(String q) {
    return QuarkusTransaction.requiringNew().call(() -> TextQuery.of(em, q));
  }

  private static Filters filters(
      String dataType,
      String task,
      String license,
      List<String> tags,
      String owner,
      InputFilter input,
      Integer output) {
    return new Filters(
        dataType,
        task,
        license,
        tags,
        owner,
        null,
        input,
        output == null ? null : new OutputFilter(output),
        null);
  }

  private static int number(String name) {
    return Integer.parseInt(name.substring(name.indexOf('-') + 1));
  }

  /** Seeds learnwares {@code from..to-1} of a new owner, their fields varied by their number. */
  private String seedVaried(String prefix, int from, int to) throws Exception {
    String token = MARKET.newUser(prefix);
    String name = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, name, "model-holder").then().statusCode(201);
    SeededLearnwares.seed(
        dataSource,
        name,
        from,
        to,
        i -> {
          double[] at = new double[7];
          at[0] = i;
          return SeededLearnwares.point(0.5, at).toSpec();
        });
    try (Connection connection = dataSource.getConnection();
        PreparedStatement vary =
            connection.prepareStatement(
                """
                UPDATE learnware_version v SET
                  data_type = (ARRAY['table', 'image', 'text'])[n % 3 + 1],
                  task = (ARRAY['classification', 'regression'])[n % 2 + 1],
                  license = (ARRAY['MIT', 'Apache-2.0', 'CC-BY-4.0', 'MIT'])[n % 4 + 1],
                  tags = CAST((ARRAY['{}', '{digits}', '{digits,small}', '{small,vision}',
                    '{digits,small,vision}'])[n % 5 + 1] AS text[]),
                  description = (ARRAY['Handwritten digits classifier.', 'Cats and dogs in photos.',
                    'Digits of cats.', 'The and of it.', 'Synthetic data.', 'Classifying photos.',
                    'A digit.'])[n % 7 + 1],
                  input_dimension = CASE WHEN n % 2 = 0 THEN 64 END,
                  input_channels = CASE WHEN n % 3 = 0 THEN 1 END,
                  output_dimension = 10 + n % 3
                FROM (SELECT id, CAST(substr(name, 7) AS int) AS n FROM learnware
                      WHERE owner = ? AND name LIKE 'bench-%') l
                WHERE v.learnware_id = l.id
                """)) {
      vary.setString(1, name);
      assertThat(vary.executeUpdate()).isEqualTo(to - from);
    }
    return name;
  }

  /** The owner of the space's first ({@code false}) or last ({@code true}) seeded learnware. */
  private String ownerIn(String space, boolean last) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement owners =
            connection.prepareStatement(
                "SELECT l.owner FROM version_rkme r JOIN learnware l"
                    + " ON l.current_version_id = r.version_id WHERE r.space = ?"
                    + " ORDER BY CAST(substr(l.name, 7) AS int) "
                    + (last ? "DESC" : "")
                    + " LIMIT 1")) {
      owners.setString(1, space);
      try (ResultSet rows = owners.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }
}
