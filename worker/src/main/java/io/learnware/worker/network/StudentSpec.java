package io.learnware.worker.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The kind and size of a model the market builds: a distillation's student, or the network a
 * transferred model's backbone came from. Its {@link #architecture()} is the specification's {@code
 * model.architecture}, from which {@link DjlNetwork#load} (mlp, cnn) or the distiller's tree loader
 * (gbdt) rebuilds it.
 */
public sealed interface StudentSpec {

  /** The {@code model.architecture} document of this student. */
  ObjectNode architecture();

  /** A one-line description for names and logs, e.g. {@code mlp [64]}. */
  String describe();

  /**
   * Fully connected layers of {@code hidden} sizes, each followed by ReLU, then a linear layer to
   * the teacher's output dimension.
   */
  record Mlp(List<Integer> hidden) implements StudentSpec {

    /** The architecture's {@code type}. */
    public static final String TYPE = "mlp";

    /** The contract's example: one hidden layer of 64 units. */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(64);

    public Mlp {
      hidden = List.copyOf(hidden);
      if (hidden.size() > MAX_LAYERS) {
        throw new IllegalArgumentException(
            "student.hidden has %d layers; at most %d are allowed"
                .formatted(hidden.size(), MAX_LAYERS));
      }
      for (int units : hidden) {
        if (units < 1 || units > MAX_UNITS) {
          throw new IllegalArgumentException(
              "student.hidden sizes must be 1..%d, got %d".formatted(MAX_UNITS, units));
        }
      }
    }

    @Override
    public ObjectNode architecture() {
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("type", TYPE);
      hidden.forEach(node.putArray("hidden")::add);
      return node;
    }

    @Override
    public String describe() {
      return "mlp " + hidden;
    }
  }

  /**
   * For image inputs: a 3×3 convolution (padded to keep the size) of each {@code channels} count,
   * each followed by ReLU and, while the feature maps are at least 4×4, 2×2 max pooling; then the
   * maps are flattened into a linear layer to the teacher's output dimension.
   */
  record Cnn(List<Integer> channels) implements StudentSpec {

    /** The architecture's {@code type}. */
    public static final String TYPE = "cnn";

    /** Two convolutions, as for 8×8 digits: 8 → 4 → 2 pixels a side. */
    public static final List<Integer> DEFAULT_CHANNELS = List.of(8, 16);

    public Cnn {
      channels = List.copyOf(channels);
      if (channels.isEmpty() || channels.size() > MAX_LAYERS) {
        throw new IllegalArgumentException(
            "student.channels needs 1..%d layers, got %d".formatted(MAX_LAYERS, channels.size()));
      }
      for (int count : channels) {
        if (count < 1 || count > MAX_CHANNELS) {
          throw new IllegalArgumentException(
              "student.channels counts must be 1..%d, got %d".formatted(MAX_CHANNELS, count));
        }
      }
    }

    @Override
    public ObjectNode architecture() {
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("type", TYPE);
      channels.forEach(node.putArray("channels")::add);
      return node;
    }

    @Override
    public String describe() {
      return "cnn " + channels;
    }
  }

  /**
   * Gradient-boosted trees (XGBoost), one regression ensemble per class fitted to the teacher's
   * logits; {@code trees} boosting rounds, so {@code trees} trees per class.
   *
   * @param dart whether to boost with dropout (DART, Rashmi &amp; Gilad-Bachrach 2015)
   */
  record Gbdt(int trees, int maxDepth, boolean dart) implements StudentSpec {

    /** The architecture's {@code type}. */
    public static final String TYPE = "gbdt";

    public static final int DEFAULT_TREES = 200;
    public static final int DEFAULT_MAX_DEPTH = 6;

    public Gbdt {
      if (trees < 1 || trees > MAX_TREES) {
        throw new IllegalArgumentException(
            "student.trees must be 1..%d, got %d".formatted(MAX_TREES, trees));
      }
      if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
        throw new IllegalArgumentException(
            "student.maxDepth must be 1..%d, got %d".formatted(MAX_DEPTH, maxDepth));
      }
    }

    @Override
    public ObjectNode architecture() {
      return JsonNodeFactory.instance
          .objectNode()
          .put("type", TYPE)
          .put("trees", trees)
          .put("maxDepth", maxDepth)
          .put("dart", dart);
    }

    @Override
    public String describe() {
      return "gbdt %d trees, depth %d%s".formatted(trees, maxDepth, dart ? ", dart" : "");
    }
  }

  // The specification schema's limits on model.architecture.
  int MAX_LAYERS = 16;
  int MAX_UNITS = 65536;
  int MAX_CHANNELS = 4096;
  int MAX_TREES = 100_000;
  int MAX_DEPTH = 64;

  /**
   * Reads a student from a job's {@code student} parameter or a specification's {@code
   * model.architecture}; a missing {@code student} parameter means the default MLP.
   *
   * @throws IllegalArgumentException with a message for the user when the document is not a student
   *     this worker can train
   */
  static StudentSpec parse(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new Mlp(Mlp.DEFAULT_HIDDEN);
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "student must be an object such as {\"type\": \"mlp\", \"hidden\": [64]}");
    }
    JsonNode type = node.get("type");
    if (type == null || !type.isTextual()) {
      throw new IllegalArgumentException("student.type is required: one of mlp, cnn, gbdt");
    }
    return switch (type.asText()) {
      case "mlp" -> {
        onlyMembers(node, "mlp", Set.of("type", "hidden"));
        yield new Mlp(integers(node.get("hidden"), "student.hidden", Mlp.DEFAULT_HIDDEN));
      }
      case "gbdt" -> {
        onlyMembers(node, "gbdt", Set.of("type", "trees", "maxDepth", "dart"));
        yield new Gbdt(
            integer(node.get("trees"), "student.trees", Gbdt.DEFAULT_TREES),
            integer(node.get("maxDepth"), "student.maxDepth", Gbdt.DEFAULT_MAX_DEPTH),
            bool(node.get("dart"), "student.dart"));
      }
      case "cnn" -> {
        onlyMembers(node, "cnn", Set.of("type", "channels"));
        yield new Cnn(integers(node.get("channels"), "student.channels", Cnn.DEFAULT_CHANNELS));
      }
      default ->
          throw new IllegalArgumentException(
              "unknown student type \"%s\"; expected mlp, cnn or gbdt".formatted(type.asText()));
    };
  }

  private static void onlyMembers(JsonNode node, String type, Set<String> allowed) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(
            "student has an unknown member \"%s\"; %s students take %s"
                .formatted(name, type, String.join(", ", allowed.stream().sorted().toList())));
      }
    }
  }

  private static List<Integer> integers(JsonNode node, String name, List<Integer> fallback) {
    if (node == null) {
      return fallback;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(name + " must be an array of layer sizes, e.g. [64]");
    }
    List<Integer> values = new ArrayList<>();
    for (JsonNode item : node) {
      values.add(integer(item, name, 0));
    }
    return values;
  }

  private static int integer(JsonNode node, String name, int fallback) {
    if (node == null) {
      return fallback;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw new IllegalArgumentException(name + " must be an integer, got " + node);
    }
    return node.intValue();
  }

  private static boolean bool(JsonNode node, String name) {
    if (node == null) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new IllegalArgumentException(name + " must be true or false, got " + node);
    }
    return node.booleanValue();
  }
}
