package io.learnware.worker.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the worker and a sandboxed job process say to each other: the worker writes one {@link
 * Request} to the process's standard input; the process answers with {@link Message} lines on its
 * standard output, each starting with {@link #prefix} of the request's key (anything else there is
 * the model's own printing and is ignored). Every path is one inside the sandbox.
 *
 * <p>The key is a secret of the job: the model's native code prints to the same standard output
 * (TorchScript's {@code print}), so without it a model could print an outcome of its own, e.g. a
 * verdict "usable" for itself. The process reads the key before any model code runs, from its
 * standard input, which no model can read after that.
 *
 * <p>The job process runs the model's code, so the worker trusts nothing it says: sizes are capped,
 * result paths must name regular files inside the scratch folder.
 */
final class SandboxProtocol {

  /** Marks a protocol line of the warm-up, which runs no model; jobs add their key. */
  static final String PREFIX = "\u0001lw ";

  /** What starts each protocol line of a job with this key; other output is ignored. */
  static String prefix(String key) {
    return PREFIX + key + " ";
  }

  /** A new job's key: random, so that no model can guess it. */
  static String newKey() {
    return UUID.randomUUID().toString();
  }

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
   * @param key the secret each protocol line of the job starts with ({@link #prefix})
   * @param sources a reuse job's members, the source first; empty for other types
   */
  record Request(
      String key,
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
