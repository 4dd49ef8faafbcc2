package io.learnware.worker.job;

/** A handler stopped because its job was cancelled or its lease was lost. */
public class JobCancelledException extends RuntimeException {

  public JobCancelledException() {
    super("the job was cancelled", null, false, false);
  }
}
