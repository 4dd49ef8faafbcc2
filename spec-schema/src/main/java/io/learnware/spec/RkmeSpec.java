package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import java.util.Objects;

/**
 * A reduced kernel mean embedding in canonical form: K points {@code z} (each of {@code dimension}
 * numbers) with weights {@code beta}. Arrays rather than lists because an RKME may hold two million
 * numbers; they are shared, not copied, so treat them as read-only. {@link #equals} compares
 * contents.
 *
 * @param type always {@link #TYPE}
 * @param kernel always {@link #GAUSSIAN}
 * @param gamma kernel bandwidth of {@code exp(-gamma·‖x−y‖²)}
 * @param numPoints number of data rows the embedding summarises
 * @param featureMap for image data, the map the points live behind; {@code null} for tables
 */
public record RkmeSpec(
    String type,
    String kernel,
    double gamma,
    int dimension,
    long numPoints,
    double[][] z,
    double[] beta,
    @JsonInclude(JsonInclude.Include.NON_NULL) FeatureMapSpec featureMap) {

  /** The canonical {@code type} of a tabular RKME. */
  public static final String TYPE = "rkme-table";

  /** The only kernel of specification version 1. */
  public static final String GAUSSIAN = "gaussian";

  /** This embedding, marked as computed behind {@code map}. */
  public RkmeSpec withFeatureMap(FeatureMapSpec map) {
    return new RkmeSpec(type, kernel, gamma, dimension, numPoints, z, beta, map);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RkmeSpec that
        && Objects.equals(type, that.type)
        && Objects.equals(kernel, that.kernel)
        && Double.compare(gamma, that.gamma) == 0
        && dimension == that.dimension
        && numPoints == that.numPoints
        && Arrays.deepEquals(z, that.z)
        && Arrays.equals(beta, that.beta)
        && Objects.equals(featureMap, that.featureMap);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        type,
        kernel,
        gamma,
        dimension,
        numPoints,
        Arrays.deepHashCode(z),
        Arrays.hashCode(beta),
        featureMap);
  }

  /** Summarises the shape instead of printing up to two million numbers. */
  @Override
  public String toString() {
    return "RkmeSpec[type=%s, kernel=%s, gamma=%s, dimension=%d, numPoints=%d, z=%d rows, beta=%d, featureMap=%s]"
        .formatted(
            type,
            kernel,
            gamma,
            dimension,
            numPoints,
            z == null ? 0 : z.length,
            beta == null ? 0 : beta.length,
            featureMap);
  }
}
