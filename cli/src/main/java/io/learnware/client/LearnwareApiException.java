package io.learnware.client;

/** The market answered with an error status; {@link #problem()} says what was wrong. */
public class LearnwareApiException extends Exception {

  private final int status;
  private final Problem problem;

  public LearnwareApiException(int status, Problem problem) {
    super(
        "%s (HTTP %d)%s"
            .formatted(
                problem.title() == null ? "Error" : problem.title(),
                status,
                problem.detail() == null || problem.detail().isBlank()
                    ? ""
                    : ": " + problem.detail()));
    this.status = status;
    this.problem = problem;
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }

  public Problem problem() {
    return problem;
  }

  /** Whether the server blames the request (4xx) rather than itself (5xx). */
  public boolean clientError() {
    return status >= 400 && status < 500;
  }
}
