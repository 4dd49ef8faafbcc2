package io.learnware.spec.rkme;

import java.util.SplittableRandom;

/**
 * Standard normal draws that are the same on every JVM for a given seed: Box–Muller over {@link
 * SplittableRandom} (whose stream is specified) with {@link StrictMath} (whose results are).
 * Anything that defines a representation by a seed (feature maps, sketches, herding) draws here.
 */
public final class StrictGaussian {

  private StrictGaussian() {}

  public static double next(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * StrictMath.PI * v);
  }
}
