package io.learnware.djl;

import io.learnware.spec.reuse.Ensembles;
import io.learnware.spec.reuse.JobSelector;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.rkme.Rkme;
import java.util.ArrayList;
import java.util.List;

/**
 * Reuse of several loaded learnwares at once, for a user whose data may span several of them (the
 * search's mixture): averaging ensembles and the RKME job selector.
 */
public final class Reuse {

  private Reuse() {}

  /** The mean of the learnwares' class probabilities. */
  public static ProbabilisticClassifier mean(List<LearnwareModel> learnwares) {
    return Ensembles.mean(learnwares);
  }

  /** A majority vote of the learnwares' predicted classes. */
  public static ProbabilisticClassifier vote(List<LearnwareModel> learnwares) {
    return Ensembles.vote(learnwares);
  }

  /**
   * Each row answered by the learnware whose training data it resembles most, judged by a router
   * trained on points herded from their published RKMEs (default settings; see {@link
   * JobSelector.Builder} for others).
   *
   * @throws IllegalArgumentException when a learnware publishes no RKME
   */
  public static ProbabilisticClassifier selector(List<LearnwareModel> learnwares) {
    return selectorBuilder(learnwares).build().over(learnwares);
  }

  /** A job selector builder with the learnwares' RKMEs set, for other settings. */
  public static JobSelector.Builder selectorBuilder(List<LearnwareModel> learnwares) {
    List<Rkme> rkmes = new ArrayList<>();
    for (LearnwareModel learnware : learnwares) {
      rkmes.add(
          learnware
              .rkme()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          learnware.url() + " publishes no RKME; the job selector needs one")));
    }
    return JobSelector.builder().setCandidates(rkmes);
  }
}
