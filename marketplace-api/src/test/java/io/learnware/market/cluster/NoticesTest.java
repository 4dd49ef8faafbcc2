package io.learnware.market.cluster;

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
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Writes made through another API instance (played here by a connection of the test, which writes
 * what that instance would and sends its notice) reach this instance's statistical index and browse
 * pages through PostgreSQL notices, long before the safety-net sync (5 minutes) or the browse
 * pages' time limit (30 s) would; and a dropped notice connection is replaced and followed by a
 * comparison with the database, which finds what changed while no notice could arrive.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class NoticesTest {

  /** Far below the safety nets, far above a notice's delivery. */
  private static final Duration SOON = Duration.ofSeconds(10);

  @Inject DataSource dataSource;

  @Test
  void anotherInstancesVerdictReachesSearchAndBrowseThroughItsNotice() throws Exception {
    String owner = uploadValidated("notified");
    Map<String, Object> query = statisticalQuery();
    assertThat(found(query)).contains(owner + "/notified@1");
    assertThat(listed(owner)).containsExactly("notified"); // now a cached page

    long learnware;
    try (Connection other = dataSource.getConnection()) {
      learnware = learnwareId(other, owner, "notified");
      other.setAutoCommit(false);
      invalidate(other, learnware);
      notify(other, "learnware_changed", "another-instance " + learnware);
      other.commit();
    }

    Awaitility.await()
        .atMost(SOON)
        .untilAsserted(
            () -> {
              assertThat(found(query)).doesNotContain(owner + "/notified@1");
              assertThat(listed(owner)).isEmpty();
            });
  }

  @Test
  void aDroppedNoticeConnectionIsReplacedAndWhatWasMissedIsFound() throws Exception {
    String owner = uploadValidated("missed");
    Map<String, Object> query = statisticalQuery();
    assertThat(found(query)).contains(owner + "/missed@1");
    assertThat(listed(owner)).containsExactly("missed");

    int listener;
    try (Connection other = dataSource.getConnection()) {
      listener = listenerPids(other).getFirst();
      other.setAutoCommit(false);
      // The listener's backend ends before this commits, so no notice could reach it; none is sent.
      try (PreparedStatement terminate = other.prepareStatement("SELECT pg_terminate_backend(?)")) {
        terminate.setInt(1, listener);
        try (ResultSet terminated = terminate.executeQuery()) {
          assertThat(terminated.next() && terminated.getBoolean(1)).isTrue();
        }
      }
      invalidate(other, learnwareId(other, owner, "missed"));
      other.commit();
    }

    Awaitility.await()
        .atMost(SOON)
        .untilAsserted(
            () -> {
              try (Connection check = dataSource.getConnection()) {
                assertThat(listenerPids(check)).hasSize(1).doesNotContain(listener);
              }
              assertThat(found(query)).doesNotContain(owner + "/missed@1");
              assertThat(listed(owner)).isEmpty();
            });
  }

  /** A fresh user's {@code name}, with the digits' RKME, validated; returns the user's name. */
  private static String uploadValidated(String name) {
    String token = MARKET.newUser("notices");
    String owner = MARKET.usernameOf(token);
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.set("statistical", digitsRkme());
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.toString().getBytes(), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
        .then()
        .statusCode(201);
    MARKET.validateAll();
    return owner;
  }

  private static ObjectNode digitsRkme() {
    return SpecDocuments.mapper()
        .valueToTree(Rkme.builder().setData(RealData.digits().x()).build().toSpec());
  }

  private static Map<String, Object> statisticalQuery() {
    return Map.of("statistical", digitsRkme(), "limit", 100);
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

  private static List<String> listed(String owner) {
    return given()
        .queryParam("owner", owner)
        .get("/api/v1/learnwares")
        .then()
        .statusCode(200)
        .extract()
        .path("items.name");
  }

  private static long learnwareId(Connection connection, String owner, String name)
      throws Exception {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT id FROM learnware WHERE owner = ? AND name = ?")) {
      select.setString(1, owner);
      select.setString(2, name);
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getLong(1);
      }
    }
  }

  /** What another instance writes for a failed validation of the learnware's only version. */
  private static void invalidate(Connection connection, long learnware) throws Exception {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE learnware_version SET state = 'INVALID' WHERE learnware_id = ?")) {
      update.setLong(1, learnware);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  private static void notify(Connection connection, String channel, String payload)
      throws Exception {
    try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, channel);
      notify.setString(2, payload);
      notify.execute();
    }
  }

  private static List<Integer> listenerPids(Connection connection) throws Exception {
    List<Integer> pids = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT pid FROM pg_stat_activity WHERE application_name = ?"); ) {
      select.setString(1, NoticeListener.APPLICATION_NAME);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          pids.add(rows.getInt(1));
        }
      }
    }
    return pids;
  }
}
