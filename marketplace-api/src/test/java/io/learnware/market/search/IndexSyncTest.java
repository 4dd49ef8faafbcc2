package io.learnware.market.search;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Writes made through another API instance reach this one's sketch index at its next sync. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class IndexSyncTest {

  @Inject StatisticalIndex index;
  @Inject DataSource dataSource;

  @Test
  void anotherInstancesVerdictReachesTheIndexAtTheNextSync() throws Exception {
    String token = MARKET.newUser("sync");
    String owner = MARKET.usernameOf(token);
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    Rkme rkme = Rkme.builder().setData(RealData.digits().x()).build();
    spec.set("statistical", SpecDocuments.mapper().valueToTree(rkme.toSpec()));
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.toString().getBytes(), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/synced/versions", owner)
        .then()
        .statusCode(201);
    MARKET.validateAll();
    index.sync(); // whatever other tests left
    // The state kept in the index is what a statistical search relies on.
    Map<String, Object> query = Map.of("statistical", spec.get("statistical"), "limit", 100);
    String synced = owner + "/synced@1";
    assertThat(found(query)).contains(synced);

    // Another instance marks the version INVALID: no event reaches this one.
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE learnware_version SET state = 'INVALID' WHERE learnware_id ="
                    + " (SELECT id FROM learnware WHERE owner = ? AND name = 'synced')")) {
      update.setString(1, owner);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
    assertThat(found(query)).as("stale until the next sync").contains(synced);

    assertThat(index.sync()).isEqualTo(1);
    assertThat(found(query)).doesNotContain(synced);
    assertThat(index.sync()).isZero();
  }

  private static List<String> found(Map<String, Object> query) {
    return given()
        .contentType("application/json")
        .body(query)
        .post("/api/v1/search")
        .then()
        .statusCode(200)
        .extract()
        .path("single.learnware");
  }
}
