package io.learnware.worker.job;

/**
 * Runs a claimed job's handler. The worker's default runs each job in a sandboxed child process
 * ({@code io.learnware.worker.sandbox.SandboxExecutor}); running handlers in the worker's own
 * process is only for {@code --insecure-no-sandbox} and for tests of the handlers themselves.
 */
public interface JobExecutor {

  /**
   * Runs a job of {@code type}; throws as {@link JobHandler#run} does ({@link JobFailure} for the
   * job's own failures, {@link JobCancelledException} when {@code context.progress()} says so).
   */
  JobOutcome execute(String type, JobContext context) throws Exception;
}
