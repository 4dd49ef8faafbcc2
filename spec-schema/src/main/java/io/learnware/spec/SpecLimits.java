package io.learnware.spec;

/**
 * Size limits that JSON Schema cannot express (or that must stay equal across schema versions).
 * They bound the memory and CPU a single RKME costs the search: comparing two embeddings is
 * O(K₁·K₂·d). The schema's descriptions repeat these numbers for readers.
 */
public final class SpecLimits {

  /** Most reduced-set points (rows of {@code z}) an RKME may have. */
  public static final int MAX_RKME_POINTS = 1000;

  /** Most numbers {@code z} may hold in total (K·d). */
  public static final long MAX_RKME_VALUES = 2_000_000;

  /** How far the sum of {@code beta} may be from 1, to absorb solver and float rounding. */
  public static final double BETA_SUM_TOLERANCE = 1e-6;

  private SpecLimits() {}
}
