package io.learnware.market.problem;

import java.util.List;

/**
 * A failure the caller can act on. Each subclass fixes the HTTP status and problem type, so
 * services throw domain exceptions and {@link ProblemResponse} alone turns them into responses.
 */
public abstract class MarketException extends RuntimeException {

  private final int status;
  private final String type;
  private final String title;
  private final List<Problem.Violation> violations;

  /**
   * @param type a short, stable slug for the problem type URI, e.g. {@code not-found}
   */
  protected MarketException(
      int status, String type, String title, String detail, List<Problem.Violation> violations) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.violations = violations == null ? null : List.copyOf(violations);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public List<Problem.Violation> violations() {
    return violations;
  }

  /** Whole seconds after which a retry may succeed (the Retry-After header); 0 for none. */
  public long retryAfterSeconds() {
    return 0;
  }

  /** This failure as the problem document the client receives. */
  public Problem toProblem() {
    return Problem.of(status, type, title, getMessage(), violations);
  }

  /** 400: the request is malformed or fails validation. */
  public static class InvalidInput extends MarketException {
    public InvalidInput(String detail, List<Problem.Violation> violations) {
      super(400, "invalid-input", "Invalid input", detail, violations);
    }

    public InvalidInput(String pointer, String message) {
      this(message, List.of(new Problem.Violation(pointer, message)));
    }
  }

  /** 401: no valid token where one is needed. */
  public static class Unauthorized extends MarketException {
    public Unauthorized() {
      super(
          401,
          "unauthorized",
          "Unauthorized",
          "A valid API token is required: send 'Authorization: Bearer <token>'.",
          null);
    }
  }

  /**
   * 403: the user may do this, but the token presented may not: it lacks a scope, or it is limited
   * to other namespaces. The detail names the scope or the namespaces.
   */
  public static class MissingScope extends MarketException {
    public MissingScope(String detail) {
      super(403, "missing-scope", "Missing scope", detail, null);
    }
  }

  /** 403: authenticated, but not allowed to touch this resource. */
  public static class Forbidden extends MarketException {
    public Forbidden(String detail) {
      super(403, "forbidden", "Forbidden", detail, null);
    }
  }

  /**
   * 403: a per-user quota (stored bytes, queued jobs) would be exceeded; the detail names the
   * quota, its limit and the current use.
   */
  public static class QuotaExceeded extends MarketException {
    public QuotaExceeded(String detail) {
      super(403, "quota-exceeded", "Quota exceeded", detail, null);
    }
  }

  /** 404: the named resource does not exist. */
  public static class NotFound extends MarketException {
    public NotFound(String detail) {
      super(404, "not-found", "Not found", detail, null);
    }
  }

  /** 409: the request conflicts with the current state, e.g. a name that is taken. */
  public static class Conflict extends MarketException {
    public Conflict(String detail) {
      super(409, "conflict", "Conflict", detail, null);
    }
  }

  /** 413: the upload is larger than the configured limit. */
  public static class PayloadTooLarge extends MarketException {
    public PayloadTooLarge(String detail) {
      super(413, "payload-too-large", "Payload too large", detail, null);
    }
  }

  /** 408: the request body stopped arriving; the connection is closed after this answer. */
  public static class RequestTimeout extends MarketException {
    public RequestTimeout(String detail) {
      super(408, "request-timeout", "Request timeout", detail, null);
    }
  }

  /** 414: the request URI (path and query) is longer than the configured limit. */
  public static class UriTooLong extends MarketException {
    public UriTooLong(String detail) {
      super(414, "uri-too-long", "URI too long", detail, null);
    }
  }

  /** 431: the request's header lines are larger, together, than the configured limit. */
  public static class HeadersTooLarge extends MarketException {
    public HeadersTooLarge(String detail) {
      super(431, "headers-too-large", "Request header fields too large", detail, null);
    }
  }

  /** 507: the market's disk is nearly full; nothing was stored. */
  public static class InsufficientStorage extends MarketException {
    public InsufficientStorage(String detail) {
      super(507, "insufficient-storage", "Insufficient storage", detail, null);
    }
  }

  /**
   * 503: the database cannot be reached (it restarts, or it crashed); nothing was changed, and the
   * same request may succeed shortly.
   */
  public static class Unavailable extends MarketException {
    public Unavailable(String detail) {
      super(503, "unavailable", "Service unavailable", detail, null);
    }

    @Override
    public long retryAfterSeconds() {
      return 5;
    }
  }

  /** 429: a rate limit is exhausted; the client may retry after {@link #retryAfterSeconds()}. */
  public static class TooManyRequests extends MarketException {
    private final long retryAfterSeconds;

    public TooManyRequests(String detail, long retryAfterSeconds) {
      super(429, "too-many-requests", "Too many requests", detail, null);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Whole seconds until the limit lets a request through again, at least 1. */
    @Override
    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** 415: the request body has a media type this endpoint does not read. */
  public static class UnsupportedMediaType extends MarketException {
    public UnsupportedMediaType(String detail) {
      super(415, "unsupported-media-type", "Unsupported media type", detail, null);
    }
  }

  /** 422: well-formed, but the model bytes are not what the specification declares. */
  public static class ModelFormatMismatch extends MarketException {
    public ModelFormatMismatch(String detail, List<Problem.Violation> violations) {
      super(
          422,
          "model-format-mismatch",
          "Model does not match its declared format",
          detail,
          violations);
    }
  }

  /**
   * A published ensemble's pins do not hold: 409 when a member version is missing or not USABLE
   * (the market's state; it may change), 422 when the {@code ensemble.json} itself is wrong (a
   * member's model has another SHA-256, a member is itself an ensemble, or the members' inputs,
   * outputs or task differ from the ensemble's). Violations point at the offending member.
   */
  public static class EnsembleRefused extends MarketException {
    public EnsembleRefused(int status, String detail, List<Problem.Violation> violations) {
      super(status, "ensemble-refused", "Ensemble refused", detail, violations);
    }
  }

  /**
   * 422: an artifact is refused before any model code runs: a zip archive past the configured
   * limits or with unsafe entry names, or an ONNX model whose weights point outside the upload.
   */
  public static class UnsafeArtifact extends MarketException {
    public UnsafeArtifact(String detail, List<Problem.Violation> violations) {
      super(422, "unsafe-artifact", "Artifact refused", detail, violations);
    }
  }
}
