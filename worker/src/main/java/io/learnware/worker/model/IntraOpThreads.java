package io.learnware.worker.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs work on one libtorch intra-op thread. The setting is per calling thread (OpenMP and MKL keep
 * it thread-locally), so other threads keep theirs, and it is restored afterwards.
 */
public final class IntraOpThreads {

  /** Work that may throw {@code E}. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    T run() throws E;
  }

  private IntraOpThreads() {}

  /** Runs {@code work} on one intra-op thread when {@code when} holds, else as configured. */
  public static <T, E extends Exception> T one(boolean when, Work<T, E> work) throws E {
    Engine.getEngine("PyTorch");
    int threads = JniUtils.getNumThreads();
    if (!when || threads == 1) {
      return work.run();
    }
    JniUtils.setNumThreads(1);
    try {
      return work.run();
    } finally {
      JniUtils.setNumThreads(threads);
    }
  }
}
