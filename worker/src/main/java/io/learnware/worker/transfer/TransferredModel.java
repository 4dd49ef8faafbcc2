package io.learnware.worker.transfer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.worker.distill.Student;
import io.learnware.worker.distill.StudentSpec;
import io.learnware.worker.model.Batches;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ParameterCounts;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A model a transfer made: the source's backbone followed by the new head, in one DJL parameter
 * file (format {@code djl}, {@code model.architecture} of type {@value #TYPE}). A TorchScript
 * backbone is stored inside that file as its TorchScript module, so one artifact is all it needs.
 */
public final class TransferredModel implements Student {

  /** The architecture's {@code type}. */
  public static final String TYPE = "transfer";

  static final String MODEL_NAME = "transfer";
  private static final int INFERENCE_ROWS = 1024;

  private final Model model;
  private final ParameterStore parameterStore;
  private final InputShape input;
  private final int classes;

  private TransferredModel(Model model, InputShape input, int classes) {
    this.model = model;
    this.parameterStore = new ParameterStore(model.getNDManager(), false);
    this.input = input;
    this.classes = classes;
  }

  /** The {@code model.architecture} of a backbone followed by a head. */
  static ObjectNode architecture(Backbone backbone, HeadSpec head) {
    ObjectNode node = JsonNodeFactory.instance.objectNode().put("type", TYPE);
    node.set("backbone", backbone.architecture());
    node.set("head", head.architecture());
    return node;
  }

  /** Whether {@code architecture} describes a transferred model. */
  public static boolean describes(JsonNode architecture) {
    return architecture != null && TYPE.equals(architecture.path("type").asText());
  }

  /**
   * Rebuilds a transferred model from its architecture and loads its artifact.
   *
   * @param input one sample's shape (the specification's input)
   * @param classes the specification's {@code output.dimension}
   * @throws MalformedModelException when the architecture is not a transfer's or the artifact does
   *     not fit it
   */
  public static TransferredModel load(
      Path artifact, JsonNode architecture, InputShape input, int classes, Device device)
      throws IOException, MalformedModelException {
    if (!describes(architecture)) {
      throw new MalformedModelException("model.architecture is not of type " + TYPE);
    }
    HeadSpec head;
    try {
      head = HeadSpec.parse(architecture.get("head"));
    } catch (IllegalArgumentException e) {
      throw new MalformedModelException("model.architecture: " + e.getMessage(), e);
    }
    JsonNode backbone = architecture.path("backbone");
    Function<NDManager, Block> trunk;
    if (TorchScriptBackbone.TYPE.equals(backbone.path("type").asText())) {
      // An empty module that reads its TorchScript from the file.
      trunk = manager -> new PtSymbolBlock((PtNDManager) manager);
    } else {
      StudentSpec network = DjlBackbone.parse(backbone);
      trunk = manager -> DjlBackbone.emptyBlock(network, input);
    }
    return load(artifact, trunk, head, input, classes, device);
  }

  /**
   * Loads a transferred model whose backbone block {@code trunk} makes (given the model's manager).
   */
  static TransferredModel load(
      Path artifact,
      Function<NDManager, Block> trunk,
      HeadSpec head,
      InputShape input,
      int classes,
      Device device)
      throws IOException, MalformedModelException {
    Path dir = Files.createTempDirectory("transferred");
    Path named = dir.resolve(MODEL_NAME + "-0000.params");
    Model model = Model.newInstance(MODEL_NAME, device, "PyTorch");
    try {
      model.setBlock(
          new SequentialBlock().add(trunk.apply(model.getNDManager())).add(head.block(classes)));
      Files.createSymbolicLink(named, artifact.toAbsolutePath());
      model.load(dir, MODEL_NAME);
      TransferredModel loaded = new TransferredModel(model, input, classes);
      loaded.checkOutputs(artifact);
      return loaded;
    } catch (EOFException e) {
      model.close();
      throw new MalformedModelException(
          artifact + " does not hold a transferred model of this architecture: the file ends early",
          e);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    } finally {
      Files.deleteIfExists(named);
      Files.deleteIfExists(dir);
    }
  }

  /** DJL loads parameters with the shapes stored in the file, so check what comes out. */
  private void checkOutputs(Path artifact) throws MalformedModelException {
    long outputs;
    try (NDManager scope = model.getNDManager().newSubManager()) {
      outputs =
          model
              .getBlock()
              .forward(parameterStore, new NDList(scope.zeros(input.batch(1))), false)
              .singletonOrThrow()
              .size();
    }
    if (outputs != classes) {
      throw new MalformedModelException(
          "%s gives %d outputs per sample; the specification declares %d"
              .formatted(artifact, outputs, classes));
    }
  }

  @Override
  public float[] logits(float[] inputs, int rows) {
    return Batches.forward(
        model.getNDManager(),
        inputs,
        rows,
        input,
        classes,
        INFERENCE_ROWS,
        x -> model.getBlock().forward(parameterStore, new NDList(x), false).singletonOrThrow());
  }

  @Override
  public long parameterCount() {
    return ParameterCounts.of(model.getBlock());
  }

  @Override
  public void close() {
    model.close();
  }
}
