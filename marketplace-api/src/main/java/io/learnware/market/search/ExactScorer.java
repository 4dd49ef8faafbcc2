package io.learnware.market.search;

import io.learnware.spec.rkme.Mixtures;
import io.learnware.spec.rkme.Rkme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Compares candidates with the query: first fast, in float32 with a bound on the error ({@link
 * VectorKernel}), then in double, with a full scan's own arithmetic, every candidate whose bound
 * leaves its place among the best {@code need} open. The best {@code need} of the result are
 * therefore exactly those a full double-precision comparison of the same candidates gives, with the
 * same MMDs to the last bit; only fewer of them are computed in double.
 *
 * <p>Without the {@code jdk.incubator.vector} module (the JVM was started without {@code
 * --add-modules jdk.incubator.vector}) every candidate is compared in double: same results, slower.
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
   * half of it) of the exact values; {@code error} is 0 once computed in double ({@code exact}).
   */
  record Scored(
      StatisticalIndex.Candidate candidate,
      PackedPoints points,
      double mmdSquared,
      double error,
      boolean exact,
      double innerProduct) {

    double lower() {
      return mmdSquared - error;
    }

    double upper() {
      return mmdSquared + error;
    }
  }

  /** The fast pass over {@code inputs}, in parallel. */
  static List<Scored> approximate(Rkme query, List<Input> inputs) {
    if (!VECTOR) {
      return inputs.parallelStream().map(exactly(query)).toList();
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
                  input.candidate(),
                  input.points(),
                  mmd,
                  2 * inner.error() + 1e-12,
                  false,
                  inner.value());
            })
        .toList();
  }

  /**
   * Recomputes in double every candidate that could be among the best {@code need}: those whose
   * lower bound is at most the {@code need}-th smallest upper bound. The others are certainly worse
   * than {@code need} candidates.
   *
   * @return all candidates, the best {@code need} of them (and possibly a few more) exact
   */
  static List<Scored> settle(Rkme query, List<Scored> scored, int need) {
    if (scored.isEmpty() || need <= 0) {
      return scored;
    }
    double threshold = needthUpper(scored, Math.min(need, scored.size()));
    List<Scored> out = new ArrayList<>(scored.size());
    List<Scored> open = new ArrayList<>();
    for (Scored s : scored) {
      if (!s.exact() && s.lower() <= threshold) {
        open.add(s);
      } else {
        out.add(s);
      }
    }
    Function<Input, Scored> exactly = exactly(query);
    out.addAll(
        open.parallelStream()
            .map(s -> exactly.apply(new Input(s.candidate(), s.points())))
            .toList());
    out.sort(Comparator.comparingDouble(Scored::mmdSquared));
    return out;
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

  /**
   * {@code query}'s squared norm, as {@link Rkme#squaredNorm()} computes it (the vector module
   * makes it twice as fast), kept in the embedding returned.
   */
  static Rkme withSquaredNorm(Rkme query) {
    if (!VECTOR) {
      return query;
    }
    return Rkme.stored(
        query.gamma(),
        query.numPoints(),
        query.points(),
        query.weights(),
        DoubleKernel.squaredNorm(query));
  }

  /** Compares candidates with {@code query} in double: a full scan's values, bit for bit. */
  private static Function<Input, Scored> exactly(Rkme query) {
    double queryNorm = query.squaredNorm();
    if (!VECTOR) {
      return input -> {
        double inner = query.innerProduct(input.points().rkme());
        return exact(input, queryNorm, inner);
      };
    }
    DoubleKernel.Left left = DoubleKernel.Left.of(query);
    return input -> {
      double inner = DoubleKernel.innerProduct(left, DoubleKernel.Right.of(input.points()));
      return exact(input, queryNorm, inner);
    };
  }

  /** As {@link Rkme#mmdSquared(Rkme, double)}. */
  private static Scored exact(Input input, double queryNorm, double inner) {
    double mmd = Math.max(0, queryNorm + input.points().squaredNorm() - 2 * inner);
    return new Scored(input.candidate(), input.points(), mmd, 0, true, inner);
  }
}
