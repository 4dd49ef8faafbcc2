package io.learnware.market.search;

import io.learnware.spec.RkmeSpec;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;

/** The binary form of a version's statistical specification, for search. */
@Entity
@Table(name = "version_rkme")
public class VersionRkme extends PanacheEntityBase {

  @Id
  @Column(name = "version_id")
  public Long versionId;

  @Column(nullable = false)
  public String space;

  @Column(nullable = false)
  public double gamma;

  @Column(nullable = false)
  public int dimension;

  @Column(nullable = false)
  public int points;

  @Column(name = "squared_norm", nullable = false)
  public double squaredNorm;

  /** {@link RandomFeatureSketch#DIMENSION} float32 values, big-endian. */
  @Column(nullable = false)
  public byte[] sketch;

  /** {@code points × dimension} float32 values, row-major, big-endian. */
  @Column(nullable = false)
  public byte[] z;

  /** {@code points} float64 values, big-endian. */
  @Column(nullable = false)
  public byte[] beta;

  public static List<VersionRkme> listByVersions(Collection<Long> versionIds) {
    return list("versionId in ?1", versionIds);
  }

  /** The row for a version; the embedding is read from the points as they will be stored. */
  static VersionRkme of(long versionId, RkmeSpec spec) {
    VersionRkme row = new VersionRkme();
    row.versionId = versionId;
    row.space = RkmeSpace.of(spec).key();
    row.gamma = spec.gamma();
    row.dimension = spec.dimension();
    row.points = spec.z().length;
    ByteBuffer z = ByteBuffer.allocate(row.points * row.dimension * Float.BYTES);
    for (double[] point : spec.z()) {
      for (double value : point) {
        z.putFloat((float) value);
      }
    }
    row.z = z.array();
    ByteBuffer beta = ByteBuffer.allocate(row.points * Double.BYTES);
    for (double weight : spec.beta()) {
      beta.putDouble(weight);
    }
    row.beta = beta.array();
    Rkme rkme = new Rkme(row.gamma, 0, row.points(), row.weights());
    row.squaredNorm = rkme.squaredNorm();
    row.sketch = encode(RandomFeatureSketch.of(rkme));
    return row;
  }

  /**
   * The embedding as stored (points rounded to float32), with its stored squared norm. The number
   * of rows it summarises is not kept here (the spec has it; comparisons do not use it), so it
   * reads as 0.
   */
  Rkme rkme() {
    return Rkme.stored(gamma, 0, points(), weights(), squaredNorm);
  }

  private Matrix points() {
    double[] values = new double[points * dimension];
    ByteBuffer buffer = ByteBuffer.wrap(z);
    for (int i = 0; i < values.length; i++) {
      values[i] = buffer.getFloat();
    }
    return new Matrix(points, dimension, values);
  }

  private double[] weights() {
    double[] weights = new double[points];
    ByteBuffer buffer = ByteBuffer.wrap(beta);
    for (int i = 0; i < weights.length; i++) {
      weights[i] = buffer.getDouble();
    }
    return weights;
  }

  static byte[] encode(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES);
    for (float value : values) {
      buffer.putFloat(value);
    }
    return buffer.array();
  }

  static void decode(byte[] bytes, float[] into, int offset) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    for (int i = 0; i < bytes.length / Float.BYTES; i++) {
      into[offset + i] = buffer.getFloat();
    }
  }
}
