package io.learnware.market.learnware;

import io.learnware.spec.RkmeSpec;

/**
 * Events the learnware package fires so that other features (search) can follow changes without the
 * learnware package knowing them.
 */
public final class LearnwareEvents {

  private LearnwareEvents() {}

  /**
   * A version with a statistical specification was recorded; fired inside the recording
   * transaction, so that what observers write commits or rolls back with the version.
   */
  public record StatisticalSpecRecorded(long versionId, RkmeSpec statistical) {}

  /**
   * Something about a learnware changed (a version added or deleted, its current version moved);
   * observers that keep derived state should re-read it after the transaction commits.
   */
  public record LearnwareChanged(long learnwareId) {}

  /**
   * A user uploaded a version; fired inside the upload's transaction (the job package queues its
   * validation there, so that no version is left without one).
   */
  public record VersionUploaded(long versionId, String uploader) {}
}
