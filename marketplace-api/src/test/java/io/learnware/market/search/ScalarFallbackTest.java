package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.search.ExactScorer.Input;
import io.learnware.market.search.ExactScorer.Scored;
import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Mixtures;
import io.learnware.spec.rkme.Rkme;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (an operator's own launcher)
 * still searches, with the double-precision scan for every candidate: the same best results and
 * MMDs as a full comparison, and exact inner products for the mixture. Surefire's JVM has the
 * module, so the check runs in a child JVM without it.
 */
class ScalarFallbackTest {

  @Test
  void withoutTheVectorModuleEveryCandidateIsComparedInDouble() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ScalarFallbackTest.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes());
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(output).contains("vectorised=false", "best 10 as a full scan", "gram exact");
    assertThat(child.exitValue()).as(output).isZero();
  }

  /** The child JVM: compares through {@link ExactScorer} and fails with exit code 1. */
  public static void main(String[] args) {
    System.out.println("vectorised=" + ExactScorer.vectorised());
    if (ExactScorer.vectorised()) {
      System.exit(1);
    }
    SplittableRandom random = new SplittableRandom(19);
    Rkme query = rkme(random, 0.5);
    List<Input> inputs = new ArrayList<>();
    List<double[]> full = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Rkme stored = rkme(random, 0.3 + 0.01 * i);
      inputs.add(new Input(new Candidate(i, i, 0), PackedPoints.of(stored, ExactScorer.padding())));
      full.add(new double[] {i, query.mmdSquared(stored)});
    }
    full.sort(Comparator.comparingDouble(e -> e[1]));
    List<Scored> settled = ExactScorer.settle(query, ExactScorer.approximate(query, inputs), 10);
    for (int rank = 0; rank < 10; rank++) {
      Scored s = settled.get(rank);
      if (s.candidate().versionId() != (long) full.get(rank)[0]
          || s.mmdSquared() != full.get(rank)[1]) {
        System.out.println("rank " + rank + " differs from a full scan");
        System.exit(1);
      }
    }
    System.out.println("best 10 as a full scan");
    Mixtures.Gram gram = ExactScorer.gram(settled.subList(0, 5));
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        // Symmetric: the pair is computed once, in the order of its first use (row 0 first).
        int a = Math.min(i, j);
        int b = Math.max(i, j);
        double expected =
            i == j
                ? settled.get(i).points().squaredNorm()
                : settled.get(a).points().rkme().innerProduct(settled.get(b).points().rkme());
        if (gram.get(i, j) != expected) {
          System.out.println("gram " + i + "," + j + " is not exact");
          System.exit(1);
        }
      }
    }
    System.out.println("gram exact");
  }

  /** 30 points in 8 dimensions around {@code center}, stored as float32 like the market's. */
  private static Rkme rkme(SplittableRandom random, double center) {
    double[] z = new double[30 * 8];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) (center + 0.3 * random.nextDouble());
    }
    double[] beta = new double[30];
    java.util.Arrays.fill(beta, 1.0 / 30);
    return new Rkme(0.5, 100, new Matrix(30, 8, z), beta);
  }
}
