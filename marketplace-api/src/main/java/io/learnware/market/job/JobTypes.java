package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.market.learnware.EnsemblePins;
import java.util.Set;

/** The job types the market knows, and what each produces. */
final class JobTypes {

  static final String VALIDATE = "validate";
  static final String DISTILL = "distill";
  static final String TRANSFER = "transfer";
  static final String ROBUSTNESS = "robustness";

  /** A learnware measured on a labelled data set (docs/evaluate.md); reports per data set. */
  static final String EVALUATE = "evaluate";

  /** Several learnwares combined on the requester's data (ensembles, the job selector). */
  static final String REUSE = "reuse";

  static final Set<String> ALL = Set.of(VALIDATE, DISTILL, TRANSFER, ROBUSTNESS, REUSE, EVALUATE);

  /** Types whose result is always a new version, derived from the job's source. */
  static final Set<String> DERIVE = Set.of(DISTILL, TRANSFER);

  private JobTypes() {}

  /**
   * Whether a job's result is a new version: distillations and transfers always, reuse jobs when
   * they publish their ensemble ({@code params.publish}); the others report on their source.
   *
   * @param params the job's params as requested (reuse: after {@link ReuseSources#resolve})
   */
  static boolean createsVersion(String type, JsonNode params) {
    return DERIVE.contains(type) || (type.equals(REUSE) && ReuseSources.publishes(params));
  }

  /** How a created version relates to its source (or, for an ensemble, to each member). */
  static String relation(String type) {
    return switch (type) {
      case DISTILL -> "distilled";
      case TRANSFER -> "transferred";
      case REUSE -> EnsemblePins.RELATION;
      default -> throw new IllegalArgumentException(type);
    };
  }

  /** The suffix of a created version's default name, after the source's name. */
  static String suffix(String type) {
    return type.equals(REUSE) ? "ensemble" : relation(type);
  }
}
