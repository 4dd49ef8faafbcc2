package io.learnware.worker.job;

/**
 * Runs one type of job. Handlers are found with {@link java.util.ServiceLoader}; the worker claims
 * only the types it has handlers for.
 */
public interface JobHandler {

  /** The job type this handler runs, e.g. {@code validate} or {@code distill}. */
  String type();

  /**
   * Runs the job. Throw {@link JobFailure} for failures the job's inputs caused (a model that does
   * not load, wrong shapes, bad parameters): the job fails with that reason and is not retried. Any
   * other exception is treated as a fault of this worker and the job may be retried elsewhere.
   */
  JobOutcome run(JobContext context) throws Exception;
}
