package io.learnware.market.search;

import io.learnware.spec.rkme.Mixtures;
import io.learnware.spec.rkme.Rkme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Compares candidates with the query in up to three passes: first fast, in float32 with a bound on
 * the error ({@link VectorKernel}); then, for every candidate whose bound leaves its place among
 * the best {@code need} open, in double with vectors, again with a bound (about 1e−12 relative);
 * and last, where even that leaves two of them in doubt, with a full scan's own arithmetic ({@link
 * Rkme#innerProduct}). The best {@code need} of the result are therefore exactly those, in the same
 * order, that a full double-precision comparison of the same candidates gives, and each MMD² is
 * within its stated error of that comparison's.
 *
 * <p>Without the {@code jdk.incubator.vector} module (the JVM was started without {@code
 * --add-modules jdk.incubator.vector}) every candidate is compared by the full scan's arithmetic:
 * same results, slower.
 */
final class ExactScorer {

  private static final boolean VECTOR =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && !Boolean.getBoolean("learnware.search.scalar");

  private ExactScorer() {}

  /** Whether the float32 pass is used. */
  static boolean vectorised() {
    return VECTOR;
  }

  /** What stored points are padded to a multiple of. */
  static int padding() {
    return VECTOR ? VectorKernel.padding() : 1;
  }

  /** {@code ‖a − b‖²} over {@code [from, to)}, in float. */
  static double squaredDistance(float[] a, float[] b, int from, int to) {
    if (VECTOR) {
      return VectorKernel.squaredDistance(a, b, from, to);
    }
    float sum = 0;
    for (int i = from; i < to; i++) {
      float difference = a[i] - b[i];
      sum += difference * difference;
    }
    return sum;
  }

  /** A candidate with its packed points. */
  record Input(StatisticalIndex.Candidate candidate, PackedPoints points) {}

  /**
   * A compared candidate: {@code mmdSquared} and {@code innerProduct} within {@code error} (resp.
   * half of it) of a full double-precision scan's values; {@code error} is 0 once computed by that
   * scan's arithmetic.
   */
  record Scored(
      StatisticalIndex.Candidate candidate,
      PackedPoints points,
      double mmdSquared,
      double error,
      double innerProduct) {

    double lower() {
      return mmdSquared - error;
    }

    double upper() {
      return mmdSquared + error;
    }

    boolean exact() {
      return error == 0;
    }
  }

  /** The fast pass over {@code inputs}, in parallel. */
  static List<Scored> approximate(Rkme query, List<Input> inputs) {
    if (!VECTOR) {
      return inputs.parallelStream().map(input -> exactly(query, input)).toList();
    }
    VectorKernel.Query prepared = VectorKernel.Query.of(query);
    double queryNorm = query.squaredNorm();
    return inputs.parallelStream()
        .map(
            input -> {
              VectorKernel.Approximation inner =
                  VectorKernel.innerProduct(prepared, input.points());
              double mmd = queryNorm + input.points().squaredNorm() - 2 * inner.value();
              // The double scan's own rounding (far below 1e−12 here) is covered by the margin.
              return new Scored(
                  input.candidate(), input.points(), mmd, 2 * inner.error() + 1e-12, inner.value());
            })
        .toList();
  }

  /**
   * Settles the best {@code need}: every candidate whose lower bound is at most the {@code need}-th
   * smallest upper bound (the others are certainly worse than {@code need} candidates) is compared
   * again in double with vectors; those whose intervals still overlap are compared by the full
   * scan's arithmetic, until the order among them is certain.
   *
   * @return all candidates by MMD², the best {@code need} of them in their exact order
   */
  static List<Scored> settle(Rkme query, List<Scored> scored, int need) {
    if (scored.isEmpty() || need <= 0) {
      return scored;
    }
    int needed = Math.min(need, scored.size());
    double threshold = needthUpper(scored, needed);
    List<Scored> out = new ArrayList<>(scored.size());
    List<Scored> open = new ArrayList<>();
    for (Scored s : scored) {
      if (!s.exact() && s.lower() <= threshold) {
        open.add(s);
      } else {
        out.add(s);
      }
    }
    if (!open.isEmpty()) {
      VectorKernel.DoubleQuery prepared = VectorKernel.DoubleQuery.of(query);
      out.addAll(open.parallelStream().map(s -> inDouble(query, prepared, s)).toList());
    }
    while (true) {
      out.sort(Comparator.comparingDouble(Scored::mmdSquared));
      List<Scored> doubtful = overlapping(out, needthUpper(out, needed));
      if (doubtful.isEmpty()) {
        return out;
      }
      out.removeAll(doubtful);
      out.addAll(
          doubtful.parallelStream()
              .map(s -> exactly(query, new Input(s.candidate(), s.points())))
              .toList());
    }
  }

  /**
   * Of the candidates that may be among the best (lower bound at most {@code threshold}), the
   * inexact ones whose interval overlaps another's: their order is not certain yet.
   */
  private static List<Scored> overlapping(List<Scored> sorted, double threshold) {
    List<Scored> contenders = sorted.stream().filter(s -> s.lower() <= threshold).toList();
    List<Scored> doubtful = new ArrayList<>();
    for (int a = 0; a < contenders.size(); a++) {
      Scored first = contenders.get(a);
      for (int b = a + 1; b < contenders.size(); b++) {
        Scored second = contenders.get(b);
        if ((!first.exact() || !second.exact())
            && second.lower() <= first.upper()
            && first.lower() <= second.upper()) {
          if (!first.exact() && !doubtful.contains(first)) {
            doubtful.add(first);
          }
          if (!second.exact() && !doubtful.contains(second)) {
            doubtful.add(second);
          }
        }
      }
    }
    return doubtful;
  }

  private static Scored inDouble(Rkme query, VectorKernel.DoubleQuery prepared, Scored s) {
    VectorKernel.Approximation inner = VectorKernel.innerProductDouble(prepared, s.points());
    if (!Double.isFinite(inner.error())) {
      return s;
    }
    double mmd = Math.max(0, query.squaredNorm() + s.points().squaredNorm() - 2 * inner.value());
    // This sum's own rounding and the scan's.
    double rounding =
        1e-15 * (query.squaredNorm() + s.points().squaredNorm() + 2 * Math.abs(inner.value()));
    return new Scored(
        s.candidate(), s.points(), mmd, 2 * inner.error() + rounding + 1e-300, inner.value());
  }

  /**
   * Inner products between the candidates for a mixture's fit: in float32 where the vector module
   * is present (off by about 1e−8, far below what changes a fit), computed row by row in parallel.
   */
  static Mixtures.Gram gram(List<Scored> pool) {
    return new Mixtures.Gram() {
      private final Map<Long, Double> values = new ConcurrentHashMap<>();

      /** Each row's embedding prepared once as the query side (only with the vector module). */
      private final Map<Integer, VectorKernel.Query> rows = new ConcurrentHashMap<>();

      @Override
      public double get(int i, int j) {
        if (i == j) {
          return pool.get(i).points().squaredNorm();
        }
        return values.computeIfAbsent(key(i, j), unused -> innerProduct(i, j));
      }

      @Override
      public void prepareRow(int i) {
        IntStream.range(0, pool.size()).parallel().filter(j -> j != i).forEach(j -> get(i, j));
      }

      private double innerProduct(int i, int j) {
        if (!VECTOR) {
          return pool.get(i).points().rkme().innerProduct(pool.get(j).points().rkme());
        }
        VectorKernel.Query row =
            rows.computeIfAbsent(i, unused -> VectorKernel.Query.of(pool.get(i).points()));
        return VectorKernel.innerProduct(row, pool.get(j).points()).value();
      }

      private static long key(int i, int j) {
        return (long) Math.min(i, j) << 32 | Math.max(i, j);
      }
    };
  }

  /**
   * The {@code need}-th smallest upper bound among {@code scored}: no candidate whose lower bound
   * exceeds it can be among the best {@code need}. Infinite while fewer have been compared.
   */
  static double needthUpper(List<Scored> scored, int need) {
    if (need <= 0 || scored.size() < need) {
      return Double.POSITIVE_INFINITY;
    }
    double[] uppers = scored.stream().mapToDouble(Scored::upper).toArray();
    java.util.Arrays.sort(uppers);
    return uppers[need - 1];
  }

  private static Scored exactly(Rkme query, Input input) {
    Rkme rkme = input.points().rkme();
    double inner = query.innerProduct(rkme);
    return new Scored(input.candidate(), input.points(), query.mmdSquared(rkme, inner), 0, inner);
  }
}
