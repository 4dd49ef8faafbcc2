package io.learnware.worker.model;

import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The part of a model a transfer keeps: from its inputs to features. It belongs to the model it
 * came from ({@link RunnableModel#backbone()}), which closes it.
 */
public interface Backbone {

  /** One input sample's shape. */
  InputShape input();

  /** Features per sample: what a new head reads. */
  int dimension();

  /** The network, for fine-tuning and for saving with a new head. */
  Block block();

  /**
   * Features of {@code rows} samples in inference mode.
   *
   * @param inputs {@code rows × input().size()} numbers, row after row
   * @return {@code rows × dimension()} features, row after row
   */
  float[] features(float[] inputs, int rows);

  /** How a transferred model rebuilds this backbone: its architecture's {@code backbone}. */
  ObjectNode architecture();
}
