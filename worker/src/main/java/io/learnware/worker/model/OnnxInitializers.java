package io.learnware.worker.model;

import static io.learnware.spec.onnx.ProtoReader.WIRE_LENGTH_DELIMITED;
import static io.learnware.spec.onnx.ProtoReader.WIRE_VARINT;

import io.learnware.spec.onnx.ProtoReader;
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
      ProtoReader modelReader = new ProtoReader(model);
      while (modelReader.hasMore()) {
        int tag = modelReader.tag();
        if (tag >>> 3 != MODEL_GRAPH || (tag & 7) != WIRE_LENGTH_DELIMITED) {
          modelReader.skip(tag & 7);
          continue;
        }
        ProtoReader graph = modelReader.message();
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
  private static long elements(ProtoReader tensor) {
    long product = 1;
    while (tensor.hasMore()) {
      int tag = tensor.tag();
      if (tag >>> 3 != TENSOR_DIMS) {
        tensor.skip(tag & 7);
      } else if ((tag & 7) == WIRE_VARINT) {
        product = Math.multiplyExact(product, dim(tensor.varint()));
      } else if ((tag & 7) == WIRE_LENGTH_DELIMITED) {
        ProtoReader packed = tensor.message();
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
}
