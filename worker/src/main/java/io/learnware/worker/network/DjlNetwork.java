package io.learnware.worker.network;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import io.learnware.spec.ModelFormat;
import io.learnware.worker.model.Backbone;
import io.learnware.worker.model.BlockBackbone;
import io.learnware.worker.model.CapabilityException;
import io.learnware.worker.model.DjlBlockModel;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelLoader;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The market's own DJL networks: an MLP ({@link StudentSpec.Mlp}, {@link Linear} layers with ReLU
 * between them) or a CNN ({@link StudentSpec.Cnn}, 3×3 {@link Conv2d} layers with ReLU and 2×2 max
 * pooling, then a {@link Linear} layer), saved with {@link Model#save} (a {@code .params} file that
 * starts with {@code DJL@}; format {@code djl}). Distillation trains them as students; a transfer
 * rebuilds one's layers but the last as its backbone ({@link #trunk}). Loaded, one is a {@link
 * RunnableModel} with gradients and, when it has layers before its last, a backbone.
 */
public final class DjlNetwork extends DjlBlockModel {

  /** The engine the networks train and run on. */
  public static final String ENGINE = "PyTorch";

  /** The model's name: DJL saves its parameters as {@code <name>-0000.params}. */
  public static final String MODEL_NAME = "student";

  /** Rows per forward pass when the network predicts. */
  public static final int INFERENCE_ROWS = 4096;

  private static final byte[] MAGIC = "DJL@".getBytes(StandardCharsets.US_ASCII);

  /** A CNN's convolutions are {@value}×{@value}, padded to keep the size. */
  private static final int KERNEL = 3;

  private static final int POOL_MIN_SIDE = 4;

  private final StudentSpec spec;
  private Backbone backbone;

  private DjlNetwork(Model model, StudentSpec spec, InputShape input, int classes) {
    super(model, input, classes, INFERENCE_ROWS);
    this.spec = spec;
  }

  /** Loads the market's DJL networks of type {@code mlp} and {@code cnn}. */
  public static final class Loader implements ModelLoader {
    @Override
    public ModelFormat format() {
      return ModelFormat.DJL;
    }

    @Override
    public Set<String> architectures() {
      return Set.of(StudentSpec.Mlp.TYPE, StudentSpec.Cnn.TYPE);
    }

    @Override
    public RunnableModel load(ModelSource source) throws ModelException {
      StudentSpec spec;
      try {
        spec = StudentSpec.parse(source.architecture());
      } catch (IllegalArgumentException e) {
        throw new ModelException("model.architecture: " + e.getMessage(), e);
      }
      if (spec instanceof StudentSpec.Cnn cnn && source.inputShape().dims().size() != 3) {
        throw new ModelException(
            "a %s model needs image inputs (channels, height and width)".formatted(cnn.describe()));
      }
      try {
        return DjlNetwork.load(
            source.artifact(),
            spec,
            source.inputShape(),
            source.requireOutputDimension(),
            source.device());
      } catch (IOException | MalformedModelException e) {
        throw new ModelException(e.getMessage(), e);
      }
    }
  }

  /** The block of an architecture; input sizes are inferred when it is initialised or loaded. */
  public static SequentialBlock block(StudentSpec spec, InputShape input, int classes) {
    SequentialBlock block = new SequentialBlock();
    switch (spec) {
      case StudentSpec.Mlp mlp -> {
        for (int units : mlp.hidden()) {
          block.add(Linear.builder().setUnits(units).build());
          block.add(Activation.reluBlock());
        }
      }
      case StudentSpec.Cnn cnn -> {
        long[] size = imageSize(input);
        for (int channels : cnn.channels()) {
          block.add(
              Conv2d.builder()
                  .setKernelShape(new Shape(KERNEL, KERNEL))
                  .optPadding(new Shape(KERNEL / 2, KERNEL / 2))
                  .setFilters(channels)
                  .build());
          block.add(Activation.reluBlock());
          if (pools(size)) {
            block.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            size = new long[] {size[0] / 2, size[1] / 2};
          }
        }
        block.add(Blocks.batchFlattenBlock());
      }
      case StudentSpec.Gbdt gbdt ->
          throw new IllegalArgumentException(gbdt.describe() + " is not a DJL student");
    }
    block.add(Linear.builder().setUnits(classes).build());
    return block;
  }

  /** The shape an architecture's block takes one sample in: an MLP sees any input as a flat row. */
  public static InputShape blockInput(StudentSpec spec, InputShape input) {
    return spec instanceof StudentSpec.Mlp ? InputShape.table(input.size()) : input;
  }

  /**
   * A CNN halves its feature maps after a convolution while both sides are at least {@link
   * #POOL_MIN_SIDE} (so 8×8 digits go 8 → 4 → 2 and stop there; 28×28 go 28 → 14 → 7 → 3).
   */
  private static boolean pools(long[] size) {
    return size[0] >= POOL_MIN_SIDE && size[1] >= POOL_MIN_SIDE;
  }

  /** Height and width of an image input. */
  private static long[] imageSize(InputShape input) {
    if (input.dims().size() != 3) {
      throw new IllegalArgumentException(
          "a cnn student needs image inputs (channels × height × width), not "
              + input.describeBatch());
    }
    return new long[] {input.dims().get(1), input.dims().get(2)};
  }

  /**
   * Rebuilds the block of {@code spec} and loads the parameters a distillation saved.
   *
   * @param params the artifact, under any file name
   * @param input one sample's shape; an MLP sees it as a flat row
   * @param classes the output dimension (the specification's {@code output.dimension})
   * @throws MalformedModelException if the file is not a DJL parameter file or does not fit the
   *     architecture
   */
  public static DjlNetwork load(
      Path params, StudentSpec spec, InputShape input, int classes, Device device)
      throws IOException, MalformedModelException {
    InputShape shape = blockInput(spec, input);
    SequentialBlock block;
    try {
      block = block(spec, shape, classes);
    } catch (IllegalArgumentException e) {
      throw new MalformedModelException(e.getMessage(), e);
    }
    try (InputStream in = Files.newInputStream(params)) {
      if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
        throw new MalformedModelException(params + " is not a DJL parameter file (no DJL@ header)");
      }
    }
    Model model = Model.newInstance(MODEL_NAME, device, ENGINE);
    try {
      model.setBlock(block);
      loadParameters(model, params);
      checkLayers(model.getBlock(), spec, shape, classes, params);
      return new DjlNetwork(model, spec, shape, classes);
    } catch (EOFException e) {
      // A block with more layers than the file reads past its end.
      model.close();
      throw new MalformedModelException(
          "%s does not hold the parameters of %s: the file ends early"
              .formatted(params, spec.describe()),
          e);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The block a transferred model rebuilds for the backbone of {@code spec} (its layers but the
   * last, parameters to load).
   */
  public static SequentialBlock trunk(StudentSpec spec, InputShape input) {
    SequentialBlock block = block(spec, input, 1);
    block.removeLastBlock();
    return block;
  }

  /**
   * DJL loads parameters with the shapes stored in the file whatever the block says, so a file of
   * another architecture would load and even run: compare each layer's weight with the spec.
   */
  private static void checkLayers(
      Block block, StudentSpec spec, InputShape input, int classes, Path params)
      throws MalformedModelException {
    List<Shape> expected = expectedWeights(spec, input, classes);
    List<Shape> weights = new ArrayList<>();
    for (Pair<String, Block> child : block.getChildren()) {
      if (child.getValue() instanceof Linear || child.getValue() instanceof Conv2d) {
        weights.add(child.getValue().getParameters().get("weight").getArray().getShape());
      }
    }
    if (!weights.equals(expected)) {
      throw new MalformedModelException(
          "%s does not hold the parameters of %s with %d outputs: its layers' weights are %s, not %s"
              .formatted(params, spec.describe(), classes, weights, expected));
    }
  }

  /** The weight shapes of each layer of an architecture, in order. */
  static List<Shape> expectedWeights(StudentSpec spec, InputShape input, int classes) {
    List<Shape> out = new ArrayList<>();
    long from;
    switch (spec) {
      case StudentSpec.Mlp mlp -> {
        from = input.size();
        for (int units : mlp.hidden()) {
          out.add(new Shape(units, from));
          from = units;
        }
      }
      case StudentSpec.Cnn cnn -> {
        long[] size = imageSize(input);
        long channels = input.dims().get(0);
        for (int filters : cnn.channels()) {
          out.add(new Shape(filters, channels, KERNEL, KERNEL));
          channels = filters;
          if (pools(size)) {
            size = new long[] {size[0] / 2, size[1] / 2};
          }
        }
        from = channels * size[0] * size[1];
      }
      case StudentSpec.Gbdt gbdt ->
          throw new IllegalArgumentException(gbdt.describe() + " is not a DJL student");
    }
    out.add(new Shape(classes, from));
    return out;
  }

  /** Multiply-adds of one row through the layers. */
  public static long multiplyAdds(StudentSpec spec, InputShape input, int classes) {
    long total = 0;
    long pixels = spec instanceof StudentSpec.Cnn ? input.size() / input.dims().get(0) : 1;
    for (Shape weight : expectedWeights(spec, input, classes)) {
      if (weight.dimension() == 4) {
        total += pixels * weight.size();
        // Pooling shrinks the maps the next convolution slides over.
        if (pixels >= (long) POOL_MIN_SIDE * POOL_MIN_SIDE) {
          pixels /= 4;
        }
      } else {
        total += weight.size();
      }
    }
    return total;
  }

  /**
   * The network without its last layer, sharing its parameters; the network itself is unchanged.
   *
   * @throws CapabilityException for an MLP without hidden layers (softmax regression)
   */
  @Override
  public Backbone backbone() throws CapabilityException {
    if (spec instanceof StudentSpec.Mlp mlp && mlp.hidden().isEmpty()) {
      throw new CapabilityException(
          "a %s has no layers to keep once its last one is replaced".formatted(spec.describe()));
    }
    if (backbone == null) {
      List<Block> layers = model.getBlock().getChildren().values();
      SequentialBlock trunk = new SequentialBlock();
      layers.subList(0, layers.size() - 1).forEach(trunk::add);
      backbone = new BlockBackbone(model.getNDManager(), trunk, input, spec.architecture());
    }
    return backbone;
  }
}
