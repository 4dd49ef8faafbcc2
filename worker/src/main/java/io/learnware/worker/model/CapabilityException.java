package io.learnware.worker.model;

/**
 * A model's format does not offer what was asked of it (features, gradients); the message is the
 * technical reason, e.g. "no gradients through an ONNX graph: ONNX Runtime runs inference only".
 * Jobs report it, or fall back (robustness runs a black-box attack where there are no gradients).
 */
public final class CapabilityException extends ModelException {

  public CapabilityException(String reason) {
    super(reason);
  }
}
