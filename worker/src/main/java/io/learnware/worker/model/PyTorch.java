package io.learnware.worker.model;

import ai.djl.engine.Engine;

/** The one DJL engine the worker runs models on, always offline. */
final class PyTorch {

  static final String ENGINE = "PyTorch";

  private PyTorch() {}

  /**
   * The PyTorch engine. The native library ships in a Maven jar, so DJL must never try to download
   * one (design decision: nothing is downloaded at run time); {@code ai.djl.offline} is forced on
   * before the engine first loads unless the operator set it explicitly.
   */
  static Engine engine() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return Engine.getEngine(ENGINE);
  }
}
