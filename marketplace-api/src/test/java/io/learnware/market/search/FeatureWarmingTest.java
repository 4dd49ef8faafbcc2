package io.learnware.market.search;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.market.search.StatisticalIndex.StateFilter;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.Rkme;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A space that grew by more learnwares than a search computes features for (a bulk import, or a
 * start before the background warming reached it) is still searched, by sketch shortlist, while its
 * features are computed in the background (their points kept in memory on the way); then by
 * certified bounds, with the same results.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class FeatureWarmingTest {

  /** More than a search computes itself. */
  private static final int COUNT = FeatureIndex.INLINE_LIMIT + 200;

  private static final RkmeSpace SPACE = new RkmeSpace("table/d=2/gamma=2.0");

  @Inject DataSource dataSource;
  @Inject StatisticalIndex index;
  @Inject FeatureIndex features;
  @Inject PointsCache points;

  @Test
  void aSpaceWithManyMissingFeaturesIsSearchedWhileTheyAreComputed() throws Exception {
    String token = MARKET.newUser("warming");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "model-holder").then().statusCode(201);
    // Learnware i sits at (i / 100, 0): the query at (7.302, 0) is nearest to bench-730, then 731.
    SeededLearnwares.seedOnALine(dataSource, owner, COUNT, 2.0, 2, 0.01);
    index.reload();
    Rkme query = SeededLearnwares.point(2.0, 7.302, 0);

    JsonPath during = ExactSearchTest.search(query, 10, 0);
    assertThat(during.getInt("total")).isEqualTo(COUNT);
    assertThat(during.getList("single.learnware"))
        .startsWith(owner + "/bench-730@1", owner + "/bench-731@1", owner + "/bench-729@1");

    // The search asked for the space's features; they arrive in the background.
    List<Candidate> members = index.members(SPACE, id -> true, StateFilter.USABLE);
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    FeatureIndex.SpaceFeatures warm = null;
    while (warm == null && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      warm = QuarkusTransaction.requiringNew().call(() -> features.of(SPACE, members));
    }
    assertThat(warm).as("features computed in the background").isNotNull();
    assertThat(warm.byVersion).hasSize(COUNT);

    // The warming kept the points it read: with the stored copies gone (in a transaction rolled
    // back), every member's are still found, as the database holds them.
    List<Long> versions = members.stream().map(Candidate::versionId).toList();
    Map<Long, PackedPoints> cached;
    QuarkusTransaction.begin();
    try {
      assertThat(VersionRkme.delete("versionId in ?1", versions)).isEqualTo(COUNT);
      cached = points.get(versions);
    } finally {
      QuarkusTransaction.rollback();
    }
    assertThat(cached).hasSize(COUNT);
    Rkme stored =
        QuarkusTransaction.requiringNew()
            .call(() -> VersionRkme.listByVersions(List.of(versions.getFirst())).getFirst().rkme());
    assertThat(cached.get(versions.getFirst()).rkme().points().data())
        .containsExactly(stored.points().data());

    JsonPath after = ExactSearchTest.search(query, 10, 0);
    assertThat(after.getList("single.learnware")).isEqualTo(during.getList("single.learnware"));
    assertThat(after.getList("single.mmd", Double.class))
        .isEqualTo(during.getList("single.mmd", Double.class));

    // A search whose filter passes none of them keeps the others' features.
    given()
        .contentType("application/json")
        .body(
            Map.of("q", "zebra", "statistical", SpecDocuments.mapper().valueToTree(query.toSpec())))
        .post("/api/v1/search")
        .then()
        .statusCode(200)
        .body("total", equalTo(0));
    assertThat(warm.byVersion).hasSize(COUNT);

    // Versions that left the space are dropped by the second pass that finds them gone.
    features.retain(SPACE, members.subList(0, 10));
    assertThat(warm.byVersion).hasSize(COUNT);
    features.retain(SPACE, members.subList(0, 10));
    assertThat(warm.byVersion.keySet())
        .containsExactlyInAnyOrderElementsOf(
            members.subList(0, 10).stream().map(Candidate::versionId).toList());
  }
}
