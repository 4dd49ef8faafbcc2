package io.learnware.worker.transfer;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.worker.model.Backbone;
import io.learnware.worker.model.InputShape;

/**
 * A backbone that is no backbone: the head reads the raw inputs, as the job's baseline does. A
 * transfer through it fits (and saves) the baseline's head, so tests can evaluate it.
 */
final class RawInputs implements Backbone {

  private final InputShape input;
  private final Block block = Blocks.identityBlock();

  RawInputs(InputShape input) {
    this.input = input;
  }

  @Override
  public InputShape input() {
    return input;
  }

  @Override
  public int dimension() {
    return input.size();
  }

  @Override
  public Block block() {
    return block;
  }

  @Override
  public float[] features(float[] inputs, int rows) {
    return inputs;
  }

  @Override
  public ObjectNode architecture() {
    return JsonNodeFactory.instance.objectNode().put("type", "raw");
  }
}
