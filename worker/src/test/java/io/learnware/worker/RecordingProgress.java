package io.learnware.worker;

import io.learnware.worker.job.JobProgress;
import java.util.ArrayList;
import java.util.List;

/** Records a job's progress reports; says "cancelled" once {@code cancelAfter} were made. */
public final class RecordingProgress implements JobProgress {

  public final List<Double> fractions = new ArrayList<>();
  public final List<String> messages = new ArrayList<>();
  private final int cancelAfter;

  /** Never cancels. */
  public RecordingProgress() {
    this(Integer.MAX_VALUE);
  }

  public RecordingProgress(int cancelAfter) {
    this.cancelAfter = cancelAfter;
  }

  @Override
  public synchronized void report(double fraction, String message) {
    fractions.add(fraction);
    messages.add(message);
  }

  @Override
  public synchronized boolean cancelled() {
    return fractions.size() >= cancelAfter;
  }
}
