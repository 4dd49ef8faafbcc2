package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * An RFC 9457 problem document, the body of every error the market answers with.
 *
 * @param violations for invalid input: where (a JSON Pointer into the offending document or form
 *     part) and why; empty otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(
    String type, String title, int status, String detail, List<Violation> violations) {

  public Problem {
    violations = violations == null ? List.of() : List.copyOf(violations);
  }

  /** One reason an input was refused. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Violation(String pointer, String message) {}
}
