package io.learnware.worker.transfer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.worker.distill.DjlStudent;
import io.learnware.worker.distill.StudentSpec;
import io.learnware.worker.model.Batches;
import io.learnware.worker.model.InputShape;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A network the market built (an mlp or cnn in DJL format, e.g. a distilled student) without its
 * last layer: the {@link SequentialBlock} whose last block a new head replaces.
 */
public final class DjlBackbone implements Backbone {

  private static final int INFERENCE_ROWS = 1024;

  private final DjlStudent network;
  private final StudentSpec spec;
  private final ParameterStore parameterStore;
  private final InputShape input;
  private final int dimension;

  private DjlBackbone(DjlStudent network, StudentSpec spec, InputShape input) {
    this.network = network;
    this.spec = spec;
    this.parameterStore = new ParameterStore(network.manager(), false);
    this.input = input;
    network.network().removeLastBlock();
    try (NDManager scope = network.manager().newSubManager()) {
      this.dimension = Math.toIntExact(forward(scope.zeros(input.batch(1))).size());
    }
  }

  /**
   * Loads a DJL network of {@code architecture} and removes its last layer.
   *
   * @param classes the source's output dimension (the layer that goes)
   * @throws MalformedModelException when the architecture is not an mlp with hidden layers or a
   *     cnn, or the artifact does not fit it
   */
  public static DjlBackbone load(
      Path artifact, JsonNode architecture, InputShape input, int classes, Device device)
      throws IOException, MalformedModelException {
    StudentSpec spec = parse(architecture);
    return new DjlBackbone(DjlStudent.load(artifact, spec, input, classes, device), spec, input);
  }

  /** The network an architecture names, if it has layers left once its last one goes. */
  static StudentSpec parse(JsonNode architecture) throws MalformedModelException {
    StudentSpec spec;
    try {
      spec = StudentSpec.parse(architecture);
    } catch (IllegalArgumentException e) {
      throw new MalformedModelException("model.architecture: " + e.getMessage(), e);
    }
    return switch (spec) {
      case StudentSpec.Mlp mlp when !mlp.hidden().isEmpty() -> mlp;
      case StudentSpec.Cnn cnn -> cnn;
      default ->
          throw new MalformedModelException(
              "a %s has no layers to keep once its last one is replaced"
                  .formatted(spec.describe()));
    };
  }

  /** The block {@link TransferredModel#load} rebuilds for this backbone (parameters to load). */
  static SequentialBlock emptyBlock(StudentSpec spec, InputShape input) {
    SequentialBlock block = DjlStudent.block(spec, input, 1);
    block.removeLastBlock();
    return block;
  }

  private NDArray forward(NDArray x) {
    NDArray out = block().forward(parameterStore, new NDList(x), false).singletonOrThrow();
    return out.reshape(x.getShape().get(0), -1);
  }

  @Override
  public InputShape input() {
    return input;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Block block() {
    return network.network();
  }

  @Override
  public float[] features(float[] inputs, int rows) {
    return Batches.forward(
        network.manager(), inputs, rows, input, dimension, INFERENCE_ROWS, this::forward);
  }

  @Override
  public ObjectNode architecture() {
    return spec.architecture();
  }

  @Override
  public void close() {
    network.close();
  }
}
