package io.learnware.market.job;

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

  /** Types whose result is a new version (the others report on their source). */
  static final Set<String> CREATE_VERSIONS = Set.of(DISTILL, TRANSFER);

  private JobTypes() {}

  /** How a created version relates to its source, and the suffix of its default name. */
  static String relation(String type) {
    return switch (type) {
      case DISTILL -> "distilled";
      case TRANSFER -> "transferred";
      default -> throw new IllegalArgumentException(type);
    };
  }
}
