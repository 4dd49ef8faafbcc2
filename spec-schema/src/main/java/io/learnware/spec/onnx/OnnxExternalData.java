package io.learnware.spec.onnx;

import static io.learnware.spec.onnx.ProtoReader.WIRE_LENGTH_DELIMITED;
import static io.learnware.spec.onnx.ProtoReader.WIRE_VARINT;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the tensors of an ONNX model whose bytes live in another file ({@code TensorProto.
 * data_location = EXTERNAL}, the file named by the {@code location} entry of {@code
 * external_data}). ONNX Runtime opens that file relative to the model, so a location is a path an
 * uploader chooses.
 *
 * <p>Every tensor is visited: graph initializers and sparse initializers, tensors in node
 * attributes, and the graphs nested in attributes ({@code If}, {@code Loop}) and in model-local
 * functions.
 */
public final class OnnxExternalData {

  /** A tensor stored outside the model; {@code location} is null when the model names none. */
  public record Reference(String tensor, String location) {}

  /** Subgraphs nest deeper than this only in hostile files. */
  private static final int MAX_DEPTH = 64;

  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_FUNCTIONS = 25;
  private static final int FUNCTION_NODE = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_SPARSE_INITIALIZER = 15;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTRIBUTE_T = 5;
  private static final int ATTRIBUTE_G = 6;
  private static final int ATTRIBUTE_TENSORS = 10;
  private static final int ATTRIBUTE_GRAPHS = 11;
  private static final int ATTRIBUTE_SPARSE_TENSOR = 22;
  private static final int ATTRIBUTE_SPARSE_TENSORS = 23;
  private static final int SPARSE_VALUES = 1;
  private static final int SPARSE_INDICES = 2;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int TENSOR_DATA_LOCATION = 14;
  private static final int DATA_LOCATION_EXTERNAL = 1;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;

  private OnnxExternalData() {}

  /**
   * The external references of a serialised {@code ModelProto}.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed protobuf message
   */
  public static List<Reference> of(ByteBuffer model) {
    List<Reference> out = new ArrayList<>();
    try {
      ProtoReader reader = new ProtoReader(model);
      while (reader.hasMore()) {
        int tag = reader.tag();
        if (isMessage(tag, MODEL_GRAPH)) {
          graph(reader.message(), out, 0);
        } else if (isMessage(tag, MODEL_FUNCTIONS)) {
          nodes(reader.message(), FUNCTION_NODE, out, 0);
        } else {
          reader.skip(tag & 7);
        }
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated protobuf", e);
    }
    return out;
  }

  private static void graph(ProtoReader graph, List<Reference> out, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("subgraphs nested deeper than " + MAX_DEPTH);
    }
    while (graph.hasMore()) {
      int tag = graph.tag();
      if (isMessage(tag, GRAPH_NODE)) {
        node(graph.message(), out, depth);
      } else if (isMessage(tag, GRAPH_INITIALIZER)) {
        tensor(graph.message(), out);
      } else if (isMessage(tag, GRAPH_SPARSE_INITIALIZER)) {
        sparse(graph.message(), out);
      } else {
        graph.skip(tag & 7);
      }
    }
  }

  /** The nodes (field {@code field}) of a function. */
  private static void nodes(ProtoReader function, int field, List<Reference> out, int depth) {
    while (function.hasMore()) {
      int tag = function.tag();
      if (isMessage(tag, field)) {
        node(function.message(), out, depth);
      } else {
        function.skip(tag & 7);
      }
    }
  }

  private static void node(ProtoReader node, List<Reference> out, int depth) {
    while (node.hasMore()) {
      int tag = node.tag();
      if (!isMessage(tag, NODE_ATTRIBUTE)) {
        node.skip(tag & 7);
        continue;
      }
      ProtoReader attribute = node.message();
      while (attribute.hasMore()) {
        int field = attribute.tag();
        if (isMessage(field, ATTRIBUTE_T) || isMessage(field, ATTRIBUTE_TENSORS)) {
          tensor(attribute.message(), out);
        } else if (isMessage(field, ATTRIBUTE_G) || isMessage(field, ATTRIBUTE_GRAPHS)) {
          graph(attribute.message(), out, depth + 1);
        } else if (isMessage(field, ATTRIBUTE_SPARSE_TENSOR)
            || isMessage(field, ATTRIBUTE_SPARSE_TENSORS)) {
          sparse(attribute.message(), out);
        } else {
          attribute.skip(field & 7);
        }
      }
    }
  }

  private static void sparse(ProtoReader sparse, List<Reference> out) {
    while (sparse.hasMore()) {
      int tag = sparse.tag();
      if (isMessage(tag, SPARSE_VALUES) || isMessage(tag, SPARSE_INDICES)) {
        tensor(sparse.message(), out);
      } else {
        sparse.skip(tag & 7);
      }
    }
  }

  private static void tensor(ProtoReader tensor, List<Reference> out) {
    String name = null;
    String location = null;
    boolean external = false;
    while (tensor.hasMore()) {
      int tag = tensor.tag();
      if (isMessage(tag, TENSOR_NAME)) {
        name = tensor.string();
      } else if (tag == (TENSOR_DATA_LOCATION << 3 | WIRE_VARINT)) {
        external |= tensor.varint() == DATA_LOCATION_EXTERNAL;
      } else if (isMessage(tag, TENSOR_EXTERNAL_DATA)) {
        ProtoReader entry = tensor.message();
        String key = null;
        String value = null;
        while (entry.hasMore()) {
          int field = entry.tag();
          if (isMessage(field, ENTRY_KEY)) {
            key = entry.string();
          } else if (isMessage(field, ENTRY_VALUE)) {
            value = entry.string();
          } else {
            entry.skip(field & 7);
          }
        }
        if ("location".equals(key)) {
          location = value;
          // A location without the EXTERNAL flag is ignored by ONNX Runtime today; refuse it
          // anyway, so that a future reader that honours it finds nothing to follow.
          external = true;
        }
      } else {
        tensor.skip(tag & 7);
      }
    }
    if (external) {
      out.add(new Reference(name, location));
    }
  }

  private static boolean isMessage(int tag, int field) {
    return tag == (field << 3 | WIRE_LENGTH_DELIMITED);
  }
}
