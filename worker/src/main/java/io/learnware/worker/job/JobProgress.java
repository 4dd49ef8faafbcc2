package io.learnware.worker.job;

/** Progress reports from a running job; the worker forwards them with its heartbeats. */
public interface JobProgress {

  /**
   * @param fraction overall progress in [0, 1]
   * @param message what the job is doing, shown to the user
   */
  void report(double fraction, String message);

  /** Whether the job was cancelled (or its lease lost): a handler should stop at the next step. */
  boolean cancelled();

  /** Throws {@link JobCancelledException} when {@link #cancelled()}; call between steps. */
  default void checkCancelled() {
    if (cancelled()) {
      throw new JobCancelledException();
    }
  }
}
