package io.learnware.spec.rkme;

import java.util.Arrays;

/**
 * A dense row-major matrix of doubles: {@code rows} points of {@code columns} numbers each, in one
 * array so that hot loops run over contiguous memory.
 *
 * @param data {@code rows·columns} numbers, row after row; shared, not copied
 */
public record Matrix(int rows, int columns, double[] data) {

  public Matrix {
    if (rows < 0 || columns <= 0 || (long) rows * columns != data.length) {
      throw new IllegalArgumentException(
          "a %d×%d matrix needs %d numbers, got %d"
              .formatted(rows, columns, (long) rows * columns, data.length));
    }
  }

  /** A zero matrix. */
  public static Matrix zeros(int rows, int columns) {
    return new Matrix(rows, columns, new double[Math.multiplyExact(rows, columns)]);
  }

  /** Copies nested rows, which must all have the same length. */
  public static Matrix of(double[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("a matrix needs at least one row");
    }
    int columns = rows[0].length;
    double[] data = new double[Math.multiplyExact(rows.length, columns)];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != columns) {
        throw new IllegalArgumentException(
            "row %d has %d numbers, row 0 has %d".formatted(i, rows[i].length, columns));
      }
      System.arraycopy(rows[i], 0, data, i * columns, columns);
    }
    return new Matrix(rows.length, columns, data);
  }

  public double get(int row, int column) {
    return data[row * columns + column];
  }

  /** A copy of one row. */
  public double[] row(int row) {
    return Arrays.copyOfRange(data, row * columns, (row + 1) * columns);
  }

  /** The numbers in single precision, row after row: what neural networks take. */
  public float[] toFloatArray() {
    float[] out = new float[data.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) data[i];
    }
    return out;
  }

  /** Copies into nested rows. */
  public double[][] toArrays() {
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = row(i);
    }
    return out;
  }

  /** The squared Euclidean norm of every row. */
  double[] rowSquaredNorms() {
    double[] norms = new double[rows];
    for (int i = 0; i < rows; i++) {
      double sum = 0;
      for (int c = 0, o = i * columns; c < columns; c++) {
        double v = data[o + c];
        sum += v * v;
      }
      norms[i] = sum;
    }
    return norms;
  }

  /** The transpose, so that loops over the rows of {@code this} become unit-stride. */
  double[] transposed() {
    double[] out = new double[data.length];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < columns; c++) {
        out[c * rows + i] = data[i * columns + c];
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Matrix that
        && rows == that.rows
        && columns == that.columns
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + columns) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Matrix[%d×%d]".formatted(rows, columns);
  }
}
