package io.learnware.client;

/** Hears a job's state each time it changes while {@link LearnwareClient#watch} follows it. */
@FunctionalInterface
public interface JobListener {

  void changed(JobInfo job);

  static JobListener none() {
    return job -> {};
  }
}
