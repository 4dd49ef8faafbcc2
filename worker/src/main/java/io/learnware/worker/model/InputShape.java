package io.learnware.worker.model;

import ai.djl.ndarray.types.Shape;
import io.learnware.spec.DataType;
import io.learnware.spec.InputSpec;
import io.learnware.spec.LearnwareSpec;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * The shape of one input sample: {@code [dimension]} for a table, {@code [channels, height, width]}
 * for an image. A batch of {@code n} samples is a {@code n × size()} matrix whose rows are the
 * samples flattened channel-major, reshaped to {@code [n, …dims]} for the network.
 *
 * @param dims the sample's dimensions, all positive
 */
public record InputShape(List<Long> dims) {

  public InputShape {
    dims = List.copyOf(dims);
    if (dims.isEmpty() || dims.stream().anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("an input shape needs positive dimensions, got " + dims);
    }
  }

  /** A table sample of {@code dimension} features. */
  public static InputShape table(int dimension) {
    return new InputShape(List.of((long) dimension));
  }

  /** An image sample of {@code channels × height × width} pixels. */
  public static InputShape image(int channels, int height, int width) {
    return new InputShape(List.of((long) channels, (long) height, (long) width));
  }

  /**
   * The input shape a specification declares.
   *
   * @throws ModelException for text learnwares (token inputs are not supported yet) or a
   *     specification without the members of its data type
   */
  public static InputShape of(LearnwareSpec spec) throws ModelException {
    InputSpec input = spec.input();
    DataType type = spec.dataType();
    if (type == DataType.TABLE && input.dimension() != null) {
      return table(input.dimension());
    }
    if (type == DataType.IMAGE
        && input.channels() != null
        && input.height() != null
        && input.width() != null) {
      return image(input.channels(), input.height(), input.width());
    }
    if (type == DataType.TEXT) {
      throw new ModelException("text learnwares cannot be run by this worker yet (token inputs)");
    }
    throw new ModelException(
        "the specification declares dataType %s without its input shape"
            .formatted(type == null ? null : type.jsonName()));
  }

  /** Numbers per sample. */
  public int size() {
    return Math.toIntExact(dims.stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact));
  }

  /** The network's input shape for a batch of {@code n} samples. */
  public Shape batch(long n) {
    return new Shape(
        LongStream.concat(LongStream.of(n), dims.stream().mapToLong(Long::longValue)).toArray());
  }

  /** E.g. {@code [n, 1, 8, 8]}, as error messages show a batch. */
  public String describeBatch() {
    return dims.stream().map(String::valueOf).collect(Collectors.joining(", ", "[n, ", "]"));
  }
}
