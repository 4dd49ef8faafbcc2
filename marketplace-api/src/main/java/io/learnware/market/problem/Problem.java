package io.learnware.market.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem document, the body of every error response.
 *
 * @param violations for invalid input: where (JSON Pointer into the offending document or form
 *     part) and why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    URI type, String title, int status, String detail, List<Violation> violations) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /**
   * A problem whose type is {@code urn:learnware:problem:<slug>}, or {@code about:blank} for a null
   * slug.
   */
  public static Problem of(
      int status, String slug, String title, String detail, List<Violation> violations) {
    URI type =
        slug == null ? URI.create("about:blank") : URI.create("urn:learnware:problem:" + slug);
    return new Problem(type, title, status, detail, violations);
  }

  /** One reason an input was refused. */
  public record Violation(String pointer, String message) {}
}
