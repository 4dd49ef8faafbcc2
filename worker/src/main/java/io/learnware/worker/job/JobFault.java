package io.learnware.worker.job;

/**
 * A fault of the worker, not of the job (a sandbox that could not start, a handler's unexpected
 * error): the job goes back to the queue for another attempt.
 */
public class JobFault extends Exception {

  public JobFault(String reason) {
    super(reason);
  }

  public JobFault(String reason, Throwable cause) {
    super(reason, cause);
  }
}
