package io.learnware.market.problem;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failure as the client receives it: the problem document and the headers that go with it. The
 * REST layer ({@link ProblemMapper}) and the Vert.x routes ahead of it (the streaming upload, the
 * request and abuse limits) all answer through this, so that a failure reads the same wherever it
 * is met.
 *
 * @param retryAfterSeconds the {@code Retry-After} header; 0 for none
 */
public record ProblemResponse(Problem problem, long retryAfterSeconds) {

  public static ProblemResponse of(MarketException e) {
    return new ProblemResponse(e.toProblem(), e.retryAfterSeconds());
  }

  /** See {@link Problem#of}. */
  public static ProblemResponse of(
      int status, String slug, String title, String detail, List<Problem.Violation> violations) {
    return new ProblemResponse(Problem.of(status, slug, title, detail, violations), 0);
  }

  /** 500, for a failure that is the market's own; {@code detail} says it is logged. */
  public static ProblemResponse internalError(String detail) {
    return of(500, "internal-error", "Internal error", detail, null);
  }

  /**
   * The headers besides {@code Content-Type}: {@code Retry-After} when a retry may succeed, and on
   * a 401 the scheme to authenticate with (the market's only one, see {@code account/BearerToken}).
   */
  public Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    if (retryAfterSeconds > 0) {
      headers.put(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    if (problem.status() == 401) {
      headers.put(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    return headers;
  }

  /** For the REST layer, whose Jackson writes the body. */
  public Response toResponse() {
    Response.ResponseBuilder response =
        Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    headers().forEach(response::header);
    return response.build();
  }

  /** For a Vert.x route: sets the status and headers and ends {@code response} with the body. */
  public Future<Void> send(HttpServerResponse response) {
    response
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
    headers().forEach(response::putHeader);
    return response.end(Json.encode(problem));
  }
}
