package io.learnware.market.problem;

import java.util.List;

/**
 * A failure the caller can act on. Each subclass fixes the HTTP status and problem type, so
 * services throw domain exceptions and {@link ProblemMapper} alone turns them into responses.
 */
public abstract class MarketException extends RuntimeException {

  private final List<Problem.Violation> violations;

  protected MarketException(String detail) {
    this(detail, null);
  }

  protected MarketException(String detail, List<Problem.Violation> violations) {
    super(detail);
    this.violations = violations == null ? null : List.copyOf(violations);
  }

  public abstract int status();

  /** A short, stable slug for the problem type URI, e.g. {@code not-found}. */
  public abstract String type();

  public abstract String title();

  public List<Problem.Violation> violations() {
    return violations;
  }

  /** This failure as the problem document the client receives. */
  public Problem toProblem() {
    return Problem.of(status(), type(), title(), getMessage(), violations);
  }

  /** 400: the request is malformed or fails validation. */
  public static class InvalidInput extends MarketException {
    public InvalidInput(String detail, List<Problem.Violation> violations) {
      super(detail, violations);
    }

    public InvalidInput(String pointer, String message) {
      super(message, List.of(new Problem.Violation(pointer, message)));
    }

    @Override
    public int status() {
      return 400;
    }

    @Override
    public String type() {
      return "invalid-input";
    }

    @Override
    public String title() {
      return "Invalid input";
    }
  }

  /** 401: no valid token where one is needed. */
  public static class Unauthorized extends MarketException {
    public Unauthorized(String detail) {
      super(detail);
    }

    @Override
    public int status() {
      return 401;
    }

    @Override
    public String type() {
      return "unauthorized";
    }

    @Override
    public String title() {
      return "Unauthorized";
    }
  }

  /** 415: the request body has a media type this endpoint does not read. */
  public static class UnsupportedMediaType extends MarketException {
    public UnsupportedMediaType(String detail) {
      super(detail);
    }

    @Override
    public int status() {
      return 415;
    }

    @Override
    public String type() {
      return "unsupported-media-type";
    }

    @Override
    public String title() {
      return "Unsupported media type";
    }
  }

  /** 403: authenticated, but not allowed to touch this resource. */
  public static class Forbidden extends MarketException {
    public Forbidden(String detail) {
      super(detail);
    }

    @Override
    public int status() {
      return 403;
    }

    @Override
    public String type() {
      return "forbidden";
    }

    @Override
    public String title() {
      return "Forbidden";
    }
  }

  /** 404: the named resource does not exist (or the caller may not know that it does). */
  public static class NotFound extends MarketException {
    public NotFound(String detail) {
      super(detail);
    }

    @Override
    public int status() {
      return 404;
    }

    @Override
    public String type() {
      return "not-found";
    }

    @Override
    public String title() {
      return "Not found";
    }
  }

  /** 409: the request conflicts with the current state, e.g. a name that is taken. */
  public static class Conflict extends MarketException {
    public Conflict(String detail) {
      super(detail);
    }

    @Override
    public int status() {
      return 409;
    }

    @Override
    public String type() {
      return "conflict";
    }

    @Override
    public String title() {
      return "Conflict";
    }
  }

  /** 413: the upload is larger than the configured limit. */
  public static class PayloadTooLarge extends MarketException {
    public PayloadTooLarge(String detail) {
      super(detail);
    }

    @Override
    public int status() {
      return 413;
    }

    @Override
    public String type() {
      return "payload-too-large";
    }

    @Override
    public String title() {
      return "Payload too large";
    }
  }

  /** 422: well-formed, but the model bytes are not what the specification declares. */
  public static class ModelFormatMismatch extends MarketException {
    public ModelFormatMismatch(String detail, List<Problem.Violation> violations) {
      super(detail, violations);
    }

    @Override
    public int status() {
      return 422;
    }

    @Override
    public String type() {
      return "model-format-mismatch";
    }

    @Override
    public String title() {
      return "Model does not match its declared format";
    }
  }
}
