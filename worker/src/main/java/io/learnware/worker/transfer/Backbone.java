package io.learnware.worker.transfer;

import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.worker.model.InputShape;

/** The part of a source learnware that a transfer keeps: from its inputs to features. */
public interface Backbone extends AutoCloseable {

  /** One input sample's shape. */
  InputShape input();

  /** Features per sample: what the new head reads. */
  int dimension();

  /** The network, for fine-tuning and for saving with the head; owned by this backbone. */
  Block block();

  /**
   * Features of {@code rows} samples in inference mode.
   *
   * @param inputs {@code rows × input().size()} numbers, row after row
   * @return {@code rows × dimension()} features, row after row
   */
  float[] features(float[] inputs, int rows);

  /**
   * How {@link TransferredModel#load} rebuilds this backbone: the architecture's {@code backbone}.
   */
  ObjectNode architecture();

  @Override
  void close();
}
