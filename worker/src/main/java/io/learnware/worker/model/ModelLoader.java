package io.learnware.worker.model;

import ai.djl.Device;
import io.learnware.spec.ModelFormat;
import java.util.Set;

/**
 * Loads the models of one format (and, for formats the market rebuilds from {@code
 * model.architecture}, of some architecture types). Found by {@link java.util.ServiceLoader}: each
 * format's code registers its loader in {@code META-INF/services}, and {@link ModelRuntime} picks
 * one by the specification's format and architecture.
 */
public interface ModelLoader {

  /** The format this loader reads. */
  ModelFormat format();

  /**
   * The {@code model.architecture.type}s this loader reads; empty for formats that carry their
   * graph (TorchScript, ONNX) and take no architecture.
   */
  Set<String> architectures();

  /** Where a model runs when {@code requested} is asked for; CPU-only engines override it. */
  default Device device(Device requested) {
    return requested;
  }

  /**
   * Loads the artifact, which exists.
   *
   * @throws ModelException when it does not load in this format or does not fit the source
   */
  RunnableModel load(ModelSource source) throws ModelException;
}
