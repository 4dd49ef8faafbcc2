package io.learnware.worker.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.function.Predicate;

/** How many numbers a network's parameters hold. */
public final class ParameterCounts {

  private ParameterCounts() {}

  /** All of {@code block}'s parameters, its children's included. */
  public static long of(Block block) {
    return of(block, parameter -> true);
  }

  /** The parameters of {@code block} that {@code which} accepts, e.g. the trainable ones. */
  public static long of(Block block, Predicate<Parameter> which) {
    return block.getParameters().values().stream()
        .filter(which)
        .mapToLong(parameter -> parameter.getArray().size())
        .sum();
  }
}
