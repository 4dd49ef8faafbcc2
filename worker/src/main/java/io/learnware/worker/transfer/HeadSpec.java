package io.learnware.worker.transfer;

import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * The new head a transfer trains on the backbone's features: linear ({@code hidden} 0) or one
 * hidden layer of {@code hidden} units with ReLU, then a linear layer to the new classes.
 */
public record HeadSpec(int hidden) {

  /** The largest hidden layer a head may have. */
  public static final int MAX_HIDDEN = 4096;

  public static final HeadSpec LINEAR = new HeadSpec(0);

  public HeadSpec {
    if (hidden < 0 || hidden > MAX_HIDDEN) {
      throw new IllegalArgumentException(
          "head.hidden must be 0 (a linear head) to %d, got %d".formatted(MAX_HIDDEN, hidden));
    }
  }

  /**
   * Parses the {@code head} parameter, e.g. {@code {"hidden": 0}}.
   *
   * @throws IllegalArgumentException with a message for the user
   */
  public static HeadSpec parse(JsonNode node) {
    if (node == null || node.isNull()) {
      return LINEAR;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("head must be an object such as {\"hidden\": 0}");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("hidden")) {
        throw new IllegalArgumentException(
            "unknown head field \"%s\"; a head takes only \"hidden\"".formatted(name));
      }
    }
    JsonNode hidden = node.get("hidden");
    if (hidden == null) {
      return LINEAR;
    }
    if (!hidden.isIntegralNumber() || !hidden.canConvertToInt()) {
      throw new IllegalArgumentException("head.hidden must be an integer, got " + hidden);
    }
    return new HeadSpec(hidden.intValue());
  }

  /**
   * The head's block for {@code classes} outputs; input sizes are inferred at initialisation. It
   * flattens each sample first, so it reads feature maps and raw images as well as vectors.
   */
  public SequentialBlock block(int classes) {
    SequentialBlock block = new SequentialBlock();
    block.add(Blocks.batchFlattenBlock());
    if (hidden > 0) {
      block.add(Linear.builder().setUnits(hidden).build());
      block.add(Activation.reluBlock());
    }
    block.add(Linear.builder().setUnits(classes).build());
    return block;
  }

  /** Trainable numbers of this head on {@code inputs} features with {@code classes} outputs. */
  public long parameterCount(long inputs, int classes) {
    return hidden == 0
        ? (inputs + 1) * classes
        : (inputs + 1) * hidden + ((long) hidden + 1) * classes;
  }

  /** The architecture document's {@code head}. */
  public ObjectNode architecture() {
    return JsonNodeFactory.instance.objectNode().put("hidden", hidden);
  }

  /** For names and reports, e.g. {@code linear} or {@code 1 hidden layer of 64}. */
  public String describe() {
    return hidden == 0 ? "linear head" : "head with one hidden layer of " + hidden;
  }
}
