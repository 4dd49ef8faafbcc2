package io.learnware.client;

/** The market answered with an error status; {@link #problem()} says what was wrong. */
public class LearnwareApiException extends Exception {

  private final int status;
  private final Problem problem;

  public LearnwareApiException(int status, Problem problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }

  /** {@code Not found (HTTP 404): No learnware demo/x.}, or {@code HTTP 502: …} without title. */
  private static String describe(int status, Problem problem) {
    String title = problem.title() == null || problem.title().isBlank() ? null : problem.title();
    String detail =
        problem.detail() == null || problem.detail().isBlank() ? null : problem.detail();
    return (title == null ? "HTTP " + status : title + " (HTTP " + status + ")")
        + (detail == null ? "" : ": " + detail);
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
