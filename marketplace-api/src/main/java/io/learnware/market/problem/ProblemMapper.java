package io.learnware.market.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpClosedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.exception.JDBCConnectionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where the REST layer's exceptions become {@code application/problem+json}
 * responses; {@link ProblemResponse} writes them, as it does for the Vert.x routes.
 */
public class ProblemMapper {

  private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

  private final long maxBody;
  private final long maxFormAttribute;
  private final int maxFormParts;

  public ProblemMapper(
      @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody,
      @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size")
          MemorySize maxFormAttribute,
      @ConfigProperty(name = "quarkus.http.limits.max-parameters") int maxFormParts) {
    this.maxBody = maxBody.asLongValue();
    this.maxFormAttribute = maxFormAttribute.asLongValue();
    this.maxFormParts = maxFormParts;
  }

  @ServerExceptionMapper
  public Response market(MarketException e) {
    return respond(e);
  }

  @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
  public Response unauthorized(RuntimeException e) {
    return respond(new MarketException.Unauthorized());
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e) {
    return respond(403, "forbidden", "Forbidden", "Your account may not do this.", null);
  }

  @ServerExceptionMapper
  public Response constraintViolation(ConstraintViolationException e) {
    List<Problem.Violation> violations =
        e.getConstraintViolations().stream()
            .map(
                v ->
                    new Problem.Violation(
                        pointerOf(v.getPropertyPath().toString()), v.getMessage()))
            .sorted(Comparator.comparing(Problem.Violation::pointer))
            .toList();
    return respond(400, "invalid-input", "Invalid input", "The request is invalid.", violations);
  }

  @ServerExceptionMapper
  public Response unreadableJson(JsonProcessingException e) {
    return respond(
        400,
        "invalid-input",
        "Invalid input",
        "The request body is not valid JSON: " + e.getOriginalMessage(),
        null);
  }

  @ServerExceptionMapper
  public Response http(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (status == 400 && e.getCause() instanceof JsonProcessingException unreadable) {
      // The REST layer's JSON reader wraps its parse errors; say what the parser said.
      return unreadableJson(unreadable);
    }
    if (status == 413) {
      // Only the REST layer's multipart parser throws this (MultipartLimits).
      return respond(
          new MarketException.PayloadTooLarge(
              ("The request body is larger than the limit of %d bytes, or one of its text parts"
                      + " larger than %d bytes.")
                  .formatted(maxBody, maxFormAttribute)));
    }
    if (status >= 500) {
      LOG.error("Request failed", e);
    }
    Response.Status known = Response.Status.fromStatusCode(status);
    String title = known == null ? "HTTP " + status : known.getReasonPhrase();
    return respond(status, null, title, e.getMessage(), null);
  }

  @ServerExceptionMapper(priority = 10_000)
  public Response unexpected(Throwable e) {
    if (tooManyFormParts(e)) {
      return respond(
          new MarketException.InvalidInput(
              "/",
              ("too many form parts (the limit is %d): a data set has one 'data' and an optional"
                      + " 'labels' part, a job result one 'report', one 'spec', one 'model' and a"
                      + " few 'file' parts")
                  .formatted(maxFormParts)));
    }
    MarketException known = translate(e);
    if (known != null) {
      return respond(known);
    }
    if (causedByClosedConnection(e)) {
      // The client went away mid-request (e.g. an aborted upload): nobody reads this answer.
      LOG.debugf("Client closed the connection: %s", e.getMessage());
      return respond(400, "aborted", "Request aborted", "The connection closed mid-request.", null);
    }
    LOG.error("Unexpected error", e);
    return ProblemResponse.internalError(
            "The server failed to handle the request; the error is logged.")
        .toResponse();
  }

  private static Response respond(
      int status, String slug, String title, String detail, List<Problem.Violation> violations) {
    return ProblemResponse.of(status, slug, title, detail, violations).toResponse();
  }

  /**
   * The market's reading of a failure that is not a {@link MarketException} but still the client's
   * to act on, or a passing one; null for a real internal error.
   */
  public static MarketException translate(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof MarketException known) {
        return known;
      }
      if (cause instanceof HttpPostRequestDecoder.TooManyFormFieldsException
          || cause instanceof HttpPostRequestDecoder.TooLongFormFieldException) {
        // Netty's form decoder stops a body of thousands of parts: the client's error, not ours.
        return new MarketException.InvalidInput(
            "/",
            "too many or too long form parts: a request has one part per field and a few 'file'"
                + " parts");
      }
      if (databaseUnreachable(cause)) {
        LOG.warnf("The database is unreachable: %s", cause.getMessage());
        return new MarketException.Unavailable(
            "The database cannot be reached; nothing was changed. Try again shortly.");
      }
      // A commit cut off by a dying server fails with a RollbackException whose reason is only
      // in its suppressed XAException's cause.
      for (Throwable suppressed : cause.getSuppressed()) {
        for (Throwable inner = suppressed; inner != null; inner = inner.getCause()) {
          if (databaseUnreachable(inner)) {
            LOG.warnf("The database is unreachable: %s", inner.getMessage());
            return new MarketException.Unavailable(
                "The database cannot be reached; nothing was changed. Try again shortly.");
          }
        }
      }
    }
    return null;
  }

  /** Connection failures (SQLSTATE class 08) and a server shutting down or crashed (57P). */
  private static boolean databaseUnreachable(Throwable e) {
    if (e instanceof JDBCConnectionException) {
      return true;
    }
    if (e instanceof SQLException sql) {
      String state = sql.getSQLState();
      return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }
    return false;
  }

  private static Response respond(MarketException e) {
    return ProblemResponse.of(e).toResponse();
  }

  /**
   * The REST layer's multipart parser stops at {@code quarkus.http.limits.max-parameters} parts
   * with a plain RuntimeException, known only by its message.
   */
  private static boolean tooManyFormParts(Throwable e) {
    return e.getClass() == RuntimeException.class
        && e.getMessage() != null
        && e.getMessage().startsWith("Param limit of ");
  }

  private static boolean causedByClosedConnection(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpClosedException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Bean Validation paths look like {@code upload.arg2.name}; keep the property and write it as a
   * pointer.
   */
  private static String pointerOf(String propertyPath) {
    String[] parts = propertyPath.split("\\.");
    return "/" + parts[parts.length - 1];
  }
}
