package io.learnware.worker.model;

import ai.djl.engine.Engine;
import java.util.HashMap;
import java.util.Map;

/** DJL's ONNX Runtime engine, for models of format {@code onnx}; CPU only, always offline. */
final class OnnxRuntime {

  static final String ENGINE = "OnnxRuntime";

  /**
   * System property: threads of each ONNX Runtime session's intra- and inter-op pools (default:
   * ONNX Runtime's own choice, one per core).
   */
  static final String NUM_THREADS = "ai.djl.onnxruntime.num_threads";

  private OnnxRuntime() {}

  /**
   * The ONNX Runtime engine. Its native libraries ship in the {@code onnxruntime} Maven jar, so, as
   * for {@link PyTorch#engine()}, {@code ai.djl.offline} is forced on unless the operator set it.
   */
  static Engine engine() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return Engine.getEngine(ENGINE);
  }

  /** Options of {@code Model.load} for an ONNX Runtime session. */
  static Map<String, String> sessionOptions() {
    Map<String, String> options = new HashMap<>();
    String threads = System.getProperty(NUM_THREADS);
    if (threads != null && !threads.isBlank()) {
      options.put("intraOpNumThreads", threads.strip());
      options.put("interOpNumThreads", threads.strip());
    }
    return options;
  }
}
