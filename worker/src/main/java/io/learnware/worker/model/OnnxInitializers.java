package io.learnware.worker.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Counts the values stored in an ONNX model's initializers (its weights), reading just enough of
 * the protobuf: {@code ModelProto.graph} (field 7) → {@code GraphProto.initializer} (field 5, one
 * {@code TensorProto} each) → {@code TensorProto.dims} (field 1, packed or not). A tensor's count
 * is the product of its dims. Initializers of subgraphs (inside {@code If} or {@code Loop} nodes)
 * and weights stored as {@code Constant} nodes are not counted.
 *
 * <p>DJL's ONNX Runtime block exposes no parameters, hence this reader.
 */
final class OnnxInitializers {

  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int WIRE_LENGTH_DELIMITED = 2;
  private static final int WIRE_FIXED32 = 5;

  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int TENSOR_DIMS = 1;

  private OnnxInitializers() {}

  /**
   * The number of values in the graph's initializers, or empty when the file cannot be read as an
   * ONNX model or the graph has no initializers (then the count is unknown, not zero: the weights
   * may be {@code Constant} nodes).
   */
  static OptionalLong count(Path onnx) {
    try (FileChannel channel = FileChannel.open(onnx, StandardOpenOption.READ)) {
      ByteBuffer model = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      return count(model);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** {@link #count(Path)} of a serialised {@code ModelProto}. */
  static OptionalLong count(ByteBuffer model) {
    try {
      long total = 0;
      int tensors = 0;
      Reader modelReader = new Reader(model);
      while (modelReader.hasMore()) {
        int tag = modelReader.tag();
        if (tag >>> 3 != MODEL_GRAPH || (tag & 7) != WIRE_LENGTH_DELIMITED) {
          modelReader.skip(tag & 7);
          continue;
        }
        Reader graph = modelReader.message();
        while (graph.hasMore()) {
          int graphTag = graph.tag();
          if (graphTag >>> 3 != GRAPH_INITIALIZER || (graphTag & 7) != WIRE_LENGTH_DELIMITED) {
            graph.skip(graphTag & 7);
            continue;
          }
          total = Math.addExact(total, elements(graph.message()));
          tensors++;
        }
      }
      return tensors == 0 ? OptionalLong.empty() : OptionalLong.of(total);
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The product of a {@code TensorProto}'s dims (1 for a scalar). */
  private static long elements(Reader tensor) {
    long product = 1;
    while (tensor.hasMore()) {
      int tag = tensor.tag();
      if (tag >>> 3 != TENSOR_DIMS) {
        tensor.skip(tag & 7);
      } else if ((tag & 7) == WIRE_VARINT) {
        product = Math.multiplyExact(product, dim(tensor.varint()));
      } else if ((tag & 7) == WIRE_LENGTH_DELIMITED) {
        Reader packed = tensor.message();
        while (packed.hasMore()) {
          product = Math.multiplyExact(product, dim(packed.varint()));
        }
      } else {
        throw new IllegalArgumentException("dims with wire type " + (tag & 7));
      }
    }
    return product;
  }

  private static long dim(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative dim " + value);
    }
    return value;
  }

  /** Reads protobuf fields from a slice of a buffer. */
  private static final class Reader {
    private final ByteBuffer buffer;

    Reader(ByteBuffer buffer) {
      this.buffer = buffer.slice();
    }

    boolean hasMore() {
      return buffer.hasRemaining();
    }

    int tag() {
      long tag = varint();
      if (tag <= 0 || tag > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("bad tag " + tag);
      }
      return (int) tag;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = buffer.get();
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    /** The next length-delimited field's bytes, as a reader. */
    Reader message() {
      int length = length();
      ByteBuffer slice = buffer.slice(buffer.position(), length);
      buffer.position(buffer.position() + length);
      return new Reader(slice);
    }

    void skip(int wireType) {
      switch (wireType) {
        case WIRE_VARINT -> varint();
        case WIRE_FIXED64 -> buffer.position(buffer.position() + 8);
        case WIRE_LENGTH_DELIMITED -> {
          int length = length(); // read before the position it is added to
          buffer.position(buffer.position() + length);
        }
        case WIRE_FIXED32 -> buffer.position(buffer.position() + 4);
        default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
      }
    }

    private int length() {
      long length = varint();
      if (length < 0 || length > buffer.remaining()) {
        throw new IllegalArgumentException("length " + length + " past the end");
      }
      return (int) length;
    }
  }
}
