package io.learnware.worker.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * What the worker and a sandboxed job process say to each other: the worker writes one {@link
 * Request} to the process's standard input; the process answers with {@link Message} lines on its
 * standard output, each starting with {@link #PREFIX} (anything else there is the model's own
 * printing and is ignored). Every path is one inside the sandbox.
 *
 * <p>The job process runs the model's code, so the worker trusts nothing it says: sizes are capped,
 * result paths must name regular files inside the scratch folder.
 */
final class SandboxProtocol {

  /** Marks a protocol line; other output on standard output is ignored. */
  static final String PREFIX = "\u0001lw ";

  static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private SandboxProtocol() {}

  /**
   * A learnware version the job reads: its spec, and its model and files as sandbox paths.
   *
   * @param members a published ensemble's members, in its manifest's order; null for other formats
   */
  record Input(
      String learnware,
      JsonNode spec,
      String model,
      Map<String, String> files,
      List<Input> members) {}

  /**
   * The job to run.
   *
   * @param sources a reuse job's members, the source first; empty for other types
   */
  record Request(
      String jobId,
      String type,
      JsonNode params,
      Input source,
      List<Input> sources,
      String dataset,
      String labels,
      String device,
      String workDir) {}

  /**
   * What the job produced; paths are relative to the scratch folder.
   *
   * @param files extra result files by filename
   */
  record Outcome(
      JsonNode report, JsonNode spec, String model, Map<String, String> files, Boolean usable) {}

  /**
   * One line from the job process: {@code started} once the job's code runs, then progress, then
   * either an outcome or a failure.
   *
   * @param failure why the job cannot succeed with its inputs ({@code retryable} false), or a fault
   *     of the worker ({@code retryable} true)
   */
  record Message(
      Boolean started,
      Double progress,
      String message,
      Outcome outcome,
      String failure,
      Boolean retryable) {

    static Message hello() {
      return new Message(true, null, null, null, null, null);
    }

    static Message ofProgress(double fraction, String message) {
      return new Message(null, fraction, message, null, null, null);
    }

    static Message ofOutcome(Outcome outcome) {
      return new Message(null, null, null, outcome, null, null);
    }

    static Message ofFailure(String reason, boolean retryable) {
      return new Message(null, null, null, null, reason, retryable);
    }
  }
}
