package io.learnware.worker.job;

/**
 * The job cannot succeed with its inputs (the model does not load, shapes disagree, parameters are
 * invalid). The message is the reason users see, so make it say what to fix.
 */
public class JobFailure extends Exception {

  public JobFailure(String reason) {
    super(reason);
  }

  public JobFailure(String reason, Throwable cause) {
    super(reason, cause);
  }
}
