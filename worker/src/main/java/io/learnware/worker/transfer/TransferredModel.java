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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.ModelFormat;
import io.learnware.worker.model.Backbone;
import io.learnware.worker.model.BlockBackbone;
import io.learnware.worker.model.DjlBlockModel;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelLoader;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.model.TorchScriptBackbone;
import io.learnware.worker.network.DjlNetwork;
import io.learnware.worker.network.StudentSpec;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;

/**
 * A model a transfer made: the source's backbone followed by the new head, in one DJL parameter
 * file (format {@code djl}, {@code model.architecture} of type {@value #TYPE}). A TorchScript
 * backbone is stored inside that file as its TorchScript module, so one artifact is all it needs.
 * Loaded, it has gradients, and its backbone can be transferred again.
 */
public final class TransferredModel extends DjlBlockModel {

  /** The architecture's {@code type}. */
  public static final String TYPE = "transfer";

  static final String MODEL_NAME = "transfer";
  private static final int INFERENCE_ROWS = 1024;

  private final ObjectNode backboneArchitecture;
  private Backbone backbone;

  private TransferredModel(
      Model model, ObjectNode backboneArchitecture, InputShape input, int classes) {
    super(model, input, classes, INFERENCE_ROWS);
    this.backboneArchitecture = backboneArchitecture;
  }

  /** Loads transferred models ({@code djl}, type {@value #TYPE}). */
  public static final class Loader implements ModelLoader {
    @Override
    public ModelFormat format() {
      return ModelFormat.DJL;
    }

    @Override
    public Set<String> architectures() {
      return Set.of(TYPE);
    }

    @Override
    public RunnableModel load(ModelSource source) throws ModelException {
      try {
        return TransferredModel.load(
            source.artifact(),
            source.architecture(),
            source.inputShape(),
            source.requireOutputDimension(),
            source.device());
      } catch (IOException | MalformedModelException e) {
        throw new ModelException(e.getMessage(), e);
      }
    }
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
    if (!(architecture.get("backbone") instanceof ObjectNode backbone)) {
      throw new MalformedModelException("model.architecture.backbone must be an object");
    }
    Function<NDManager, Block> trunk;
    if (TorchScriptBackbone.TYPE.equals(backbone.path("type").asText())) {
      // An empty module that reads its TorchScript from the file.
      trunk = manager -> new PtSymbolBlock((PtNDManager) manager);
    } else {
      StudentSpec network = network(backbone);
      trunk = manager -> DjlNetwork.trunk(network, input);
    }
    return load(artifact, trunk, backbone, head, input, classes, device);
  }

  /** The network a DJL backbone names, if it has layers left once its last one goes. */
  static StudentSpec network(JsonNode backbone) throws MalformedModelException {
    StudentSpec spec;
    try {
      spec = StudentSpec.parse(backbone);
    } catch (IllegalArgumentException e) {
      throw new MalformedModelException("model.architecture.backbone: " + e.getMessage(), e);
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

  /**
   * Loads a transferred model whose backbone block {@code trunk} makes (given the model's manager).
   */
  static TransferredModel load(
      Path artifact,
      Function<NDManager, Block> trunk,
      ObjectNode backboneArchitecture,
      HeadSpec head,
      InputShape input,
      int classes,
      Device device)
      throws IOException, MalformedModelException {
    Model model = Model.newInstance(MODEL_NAME, device, "PyTorch");
    try {
      model.setBlock(
          new SequentialBlock().add(trunk.apply(model.getNDManager())).add(head.block(classes)));
      loadParameters(model, artifact);
      TransferredModel loaded = new TransferredModel(model, backboneArchitecture, input, classes);
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

  /** The backbone the head was trained on, sharing its parameters. */
  @Override
  public Backbone backbone() {
    if (backbone == null) {
      Block trunk = model.getBlock().getChildren().get(0).getValue();
      backbone = new BlockBackbone(model.getNDManager(), trunk, input, backboneArchitecture);
    }
    return backbone;
  }
}
