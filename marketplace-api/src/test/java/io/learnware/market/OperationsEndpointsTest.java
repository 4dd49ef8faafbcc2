package io.learnware.market;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The operational endpoints next to the API: OpenAPI, Swagger UI and the landing page on the main
 * port; health and metrics on the management interface only.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class OperationsEndpointsTest {

  /** The management interface's port in tests. */
  private static RequestSpecification management() {
    return given()
        .port(ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class));
  }

  @Test
  void readinessIsUpWithTheDatabaseCheck() {
    management()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .contentType(containsString("json"))
        .body("status", equalTo("UP"))
        .body("checks.find { it.name.toLowerCase().contains('database') }.status", equalTo("UP"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void openApiDocumentListsThePublicOperations() {
    Map<String, Map<String, Object>> paths =
        given()
            .queryParam("format", "json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .contentType(containsString("json"))
            .body("openapi", startsWith("3."))
            .body("info.title", equalTo("Learnware Market API"))
            .extract()
            .jsonPath()
            .getMap("paths");

    assertThat(paths)
        .containsKeys(
            "/api/v1/learnwares/{owner}/{name}/versions",
            "/api/v1/learnwares",
            "/api/v1/me",
            "/api/v1/users",
            "/api/v1/tokens");
    assertThat(paths.get("/api/v1/learnwares/{owner}/{name}/versions")).containsKey("post");
    assertThat(paths.get("/api/v1/learnwares")).containsKey("get");
    assertThat(paths.get("/api/v1/me")).containsKey("get");
    assertThat(paths.get("/api/v1/users")).containsKey("post");
    assertThat(paths.get("/api/v1/tokens")).containsKeys("get", "post");
    Map<String, Object> upload =
        (Map<String, Object>) paths.get("/api/v1/learnwares/{owner}/{name}/versions").get("post");
    assertThat((List<Map<String, Object>>) upload.get("parameters"))
        .extracting(p -> p.get("name"))
        .contains("owner", "name");
  }

  @Test
  void swaggerUiIsServed() {
    given()
        .get("/q/swagger-ui/")
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .body(containsString("swagger-ui"));
  }

  @Test
  void metricsCountHttpRequestsInPrometheusFormat() {
    given().get("/api/v1/learnwares").then().statusCode(200);

    String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();

    assertThat(metrics.lines())
        .anyMatch(
            line ->
                line.startsWith("http_server_requests_seconds_count{")
                    && line.contains("uri=\"/api/v1/learnwares\"")
                    && line.contains("status=\"200\""));
  }

  @Test
  void theWebUiIsServedAtTheRootWithItsBundle() {
    String page =
        given()
            .get("/")
            .then()
            .statusCode(200)
            .contentType(containsString("text/html"))
            .body(containsString("<title>Learnware Market</title>"))
            .body(containsString("<div id=\"app\">"))
            .extract()
            .asString();
    // The page loads the Vite bundle that the web-ui jar carries; it must be served too.
    Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(page);
    assertThat(script.find()).as(page).isTrue();
    given()
        .get(script.group(1))
        .then()
        .statusCode(200)
        .contentType(containsString("javascript"))
        .body(containsString("/api/v1"));
  }

  @Test
  void healthAndMetricsAreNotOnTheMainPort() {
    for (String path : List.of("/q/metrics", "/q/health", "/q/health/ready", "/q/health/live")) {
      given().get(path).then().statusCode(404);
    }
  }

  @Test
  void livenessIsUp() {
    management()
        .get("/q/health/live")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.status", not(hasItem("DOWN")));
  }
}
