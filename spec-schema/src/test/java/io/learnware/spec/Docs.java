package io.learnware.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test documents: the API contract's examples and builders for variations of them. */
final class Docs {

  /** The project's real fixture: the digits MLP with all 64 features. */
  static final Path DIGITS_FIXTURE = Path.of("../fixtures/digits-mlp/spec.json");

  private Docs() {}

  static JsonNode json(String text) {
    try {
      return SpecDocuments.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ObjectNode fixture() {
    try {
      return (ObjectNode) json(Files.readString(DIGITS_FIXTURE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The contract's table example, without the shortened {@code features} list. */
  static ObjectNode digits() {
    return (ObjectNode)
        json(
            """
            {
              "specVersion": 1,
              "name": "Handwritten digits MLP",
              "description": "Classifies 8x8 handwritten digit images given as 64 pixel intensities scaled to 0..1.",
              "dataType": "table",
              "task": "classification",
              "input": {"dimension": 64},
              "output": {"dimension": 10, "labels": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]},
              "license": "MIT",
              "tags": ["digits", "handwriting"],
              "model": {"format": "torchscript", "framework": "pytorch-1.13", "featureExtractor": {"file": "features.pt", "dimension": 256}}
            }
            """);
  }

  /** The contract's image example, completed with the members every specification needs. */
  static ObjectNode mnist() {
    return (ObjectNode)
        json(
            """
            {
              "specVersion": 1,
              "name": "MNIST CNN",
              "description": "Recognises handwritten digits in 28x28 grey images.",
              "dataType": "image",
              "task": "classification",
              "input": {"channels": 1, "height": 28, "width": 28, "range": [0, 1]},
              "output": {"dimension": 10},
              "license": "Apache-2.0",
              "model": {"format": "onnx"}
            }
            """);
  }

  /** A canonical RKME with {@code rows} × {@code dimension} points, equal weights. */
  static ObjectNode rkme(int rows, int dimension) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode rkme = nodes.objectNode();
    rkme.put("type", "rkme-table");
    rkme.put("kernel", "gaussian");
    rkme.put("gamma", 0.1);
    rkme.put("dimension", dimension);
    rkme.put("numPoints", 1437);
    ArrayNode z = rkme.putArray("z");
    JsonNode value = nodes.numberNode(0.5); // one shared node keeps large documents small
    for (int i = 0; i < rows; i++) {
      ArrayNode row = z.addArray();
      for (int j = 0; j < dimension; j++) {
        row.add(value);
      }
    }
    ArrayNode beta = rkme.putArray("beta");
    for (int i = 0; i < rows; i++) {
      beta.add(1.0 / rows);
    }
    return rkme;
  }

  /** The digits example with an RKME of the given shape and a matching input dimension. */
  static ObjectNode digitsWithRkme(int rows, int dimension) {
    ObjectNode spec = digits();
    ((ObjectNode) spec.get("input")).put("dimension", dimension);
    spec.set("statistical", rkme(rows, dimension));
    return spec;
  }
}
