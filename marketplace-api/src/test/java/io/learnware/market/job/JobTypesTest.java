package io.learnware.market.job;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The job types the market knows: one {@link JobType} bean per type docs/jobs.md documents (the
 * worker's JobHandlersTest checks its handlers against the same list); anything else is refused in
 * requests and claims as before.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class JobTypesTest {

  private static final List<String> DOCUMENTED =
      List.of("distill", "evaluate", "reuse", "robustness", "transfer", "validate");

  @Inject JobTypes types;

  @Test
  void oneBeanPerDocumentedType() throws IOException {
    // docs/jobs.md lists each type as "- `name`: ..." under "## Job types".
    String docs = Files.readString(Fixtures.path("../docs/jobs.md"));
    String section = docs.substring(docs.indexOf("## Job types"), docs.indexOf("## Running"));
    Matcher item = Pattern.compile("(?m)^- `([a-z]+)`:").matcher(section);
    List<String> documented = item.results().map(m -> m.group(1)).sorted().toList();
    assertThat(documented).isEqualTo(DOCUMENTED);

    assertThat(types.names()).isEqualTo(DOCUMENTED);
    for (String name : DOCUMENTED) {
      assertThat(types.find(name)).get().extracting(JobType::name).isEqualTo(name);
    }
    assertThat(types.find("fly")).isEmpty();
    assertThat(types.find(null)).isEmpty();
  }

  @Test
  void twoTypesOfOneNameAreRefused() {
    assertThatThrownBy(() -> new JobTypes(List.of(new Named("fly"), new Named("fly"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two job types are named fly");
  }

  @Test
  void unknownTypesAreRefusedInRequestsAndClaims() {
    String token = MARKET.newUser("typeless");
    String owner = MARKET.usernameOf(token);
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("type", "fly", "source", owner + "/nothing"))
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/type"))
        .body("violations[0].message", equalTo("must be one of " + DOCUMENTED));
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .contentType("application/json")
        .body(Map.of("workerId", "w", "types", List.of("validate", "fly")))
        .post("/api/v1/worker/claim")
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/types"))
        .body("violations[0].message", equalTo("must list job types among " + DOCUMENTED));
  }

  private record Named(String name) implements JobType {
    @Override
    public Completion complete(Job job, ObjectNode report, CompleteCommand result) {
      return new Completion.Recorded(null);
    }
  }
}
