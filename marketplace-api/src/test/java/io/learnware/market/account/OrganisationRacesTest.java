package io.learnware.market.account;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Member changes that race each other still leave every organisation with an admin. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class OrganisationRacesTest {

  @Test
  void twoAdminsStepDownAtOnceAndOneOfThemStays() throws Exception {
    // Two threads of its own: the common pool has one on a two-core machine.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      race(pool);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void race(ExecutorService pool) {
    for (int round = 0; round < 10; round++) {
      String first = MARKET.newUser("first");
      String firstName = MARKET.usernameOf(first);
      String second = MARKET.newUser("second");
      String secondName = MARKET.usernameOf(second);
      String org = "race-" + firstName.substring(firstName.length() - 8);
      PrivateLearnwaresTest.createOrganisation(first, org);
      PrivateLearnwaresTest.addMember(first, org, secondName, "admin");

      // Each demotes themself; both saw two admins when they started.
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (String[] admin :
          List.of(new String[] {first, firstName}, new String[] {second, secondName})) {
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return given()
                      .auth()
                      .oauth2(admin[0])
                      .contentType("application/json")
                      .body(Map.of("role", "read"))
                      .put("/api/v1/namespaces/{org}/members/{user}", org, admin[1])
                      .statusCode();
                },
                pool));
      }
      start.countDown();
      List<Integer> statuses = answers.stream().map(CompletableFuture::join).sorted().toList();

      assertThat(statuses).containsExactly(200, 409);
      List<String> roles =
          given()
              .auth()
              .oauth2(first)
              .get("/api/v1/namespaces/{org}", org)
              .then()
              .statusCode(200)
              .extract()
              .path("members.role");
      assertThat(roles).containsExactlyInAnyOrder("admin", "read");
    }
  }
}
