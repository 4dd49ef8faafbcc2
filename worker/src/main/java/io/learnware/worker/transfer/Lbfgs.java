package io.learnware.worker.transfer;

import java.util.Objects;

/**
 * Limited-memory BFGS for smooth convex objectives on {@code double} arrays (Nocedal and Wright,
 * <i>Numerical Optimization</i>, 2nd ed., algorithms 7.4 and 7.5): the last {@code memory} steps
 * and gradient changes stand in for the inverse Hessian; each step is taken along that quasi-Newton
 * direction with a backtracking (Armijo) line search. Pairs whose curvature is not positive are
 * skipped, so the direction stays one of descent.
 *
 * <p>It stops when the largest absolute gradient component is at most {@code gradientTolerance}
 * (converged), when an iteration lowers the objective by less than {@code relativeTolerance} of its
 * value (converged: nothing left to gain at double precision), when the line search finds no lower
 * point, or after {@code maxIterations}.
 */
final class Lbfgs {

  /** The objective: its value at {@code x}, and its gradient written into {@code gradient}. */
  @FunctionalInterface
  interface Objective {
    double evaluate(double[] x, double[] gradient);
  }

  /** Called after every iteration; may throw to cancel. */
  @FunctionalInterface
  interface Monitor {
    void iterationDone(int iteration);
  }

  /**
   * How the minimisation ends.
   *
   * @param memory steps kept for the inverse-Hessian estimate
   * @param maxIterations at most this many iterations
   * @param gradientTolerance converged when every gradient component is at most this in magnitude
   * @param relativeTolerance converged when an iteration gains less than this share of the value
   */
  record Settings(
      int memory, int maxIterations, double gradientTolerance, double relativeTolerance) {

    /**
     * Solved to double precision, as scikit-learn's reference is ({@code tol=1e-8}; SciPy's {@code
     * ftol} of 64 ulp); 20 pairs, which save about a third of the iterations over 10 here.
     */
    static final Settings PRECISE = new Settings(20, 10_000, 1e-8, 64 * Math.ulp(1.0));

    /**
     * For fits that are only measured (validation): a hundred times looser, about half the
     * iterations; their predictions, and so their validation accuracy, hardly move below this.
     */
    static final Settings MEASURE = new Settings(20, 10_000, 1e-6, 1e-12);

    Settings {
      if (memory < 1 || maxIterations < 1 || gradientTolerance < 0 || relativeTolerance < 0) {
        throw new IllegalArgumentException("bad L-BFGS settings");
      }
    }
  }

  /**
   * Where it ended.
   *
   * @param x the last point
   * @param value the objective there
   * @param gradientNorm the largest absolute gradient component there
   * @param iterations iterations taken
   * @param evaluations objective evaluations, line searches included
   * @param converged whether a tolerance was met (rather than the iteration limit or a failed line
   *     search)
   */
  record Result(
      double[] x,
      double value,
      double gradientNorm,
      int iterations,
      int evaluations,
      boolean converged) {}

  /** The sufficient-decrease constant of the Armijo condition. */
  private static final double ARMIJO = 1e-4;

  private static final int MAX_BACKTRACKS = 60;

  private Lbfgs() {}

  /** Minimises {@code objective} from {@code start} (left unchanged). */
  static Result minimize(Objective objective, double[] start, Settings settings, Monitor monitor) {
    Objects.requireNonNull(monitor);
    int n = start.length;
    int m = settings.memory();
    double[] x = start.clone();
    double[] g = new double[n];
    double fx = objective.evaluate(x, g);
    int evaluations = 1;
    if (!Double.isFinite(fx)) {
      throw new IllegalArgumentException("the objective is not finite at the start: " + fx);
    }
    double[][] s = new double[m][n];
    double[][] y = new double[m][n];
    double[] rho = new double[m];
    double[] alpha = new double[m];
    int stored = 0;
    int newest = -1;
    double[] d = new double[n];
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    if (maxAbs(g) <= settings.gradientTolerance()) {
      return new Result(x, fx, maxAbs(g), 0, evaluations, true);
    }
    for (int iteration = 1; iteration <= settings.maxIterations(); iteration++) {
      // d = -H g by the two-loop recursion, H0 = (s'y / y'y) I from the newest pair.
      for (int i = 0; i < n; i++) {
        d[i] = -g[i];
      }
      for (int j = 0; j < stored; j++) {
        int p = Math.floorMod(newest - j, m);
        alpha[p] = rho[p] * dot(s[p], d);
        axpy(-alpha[p], y[p], d);
      }
      double initialStep = 1;
      if (stored > 0) {
        double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
        scale(gamma, d);
      } else {
        // No curvature known yet: a first step of unit length at most.
        initialStep = Math.min(1, 1 / Math.sqrt(dot(g, g)));
      }
      for (int j = stored - 1; j >= 0; j--) {
        int p = Math.floorMod(newest - j, m);
        double beta = rho[p] * dot(y[p], d);
        axpy(alpha[p] - beta, s[p], d);
      }
      double slope = dot(g, d);
      if (!(slope < 0)) {
        // Not a descent direction (rounding): forget the curvature pairs, go down the gradient.
        stored = 0;
        for (int i = 0; i < n; i++) {
          d[i] = -g[i];
        }
        slope = -dot(g, g);
        initialStep = Math.min(1, 1 / Math.sqrt(-slope));
      }

      // Backtracking: halve (or interpolate) until the Armijo condition holds.
      double step = initialStep;
      double fNew = Double.NaN;
      boolean found = false;
      for (int k = 0; k < MAX_BACKTRACKS; k++) {
        for (int i = 0; i < n; i++) {
          xNew[i] = x[i] + step * d[i];
        }
        fNew = objective.evaluate(xNew, gNew);
        evaluations++;
        if (Double.isFinite(fNew) && fNew <= fx + ARMIJO * step * slope) {
          found = true;
          break;
        }
        // The minimiser of the quadratic through f(x), its slope and f(x + step d), kept within
        // [step / 10, step / 2].
        double next =
            Double.isFinite(fNew) ? -slope * step * step / (2 * (fNew - fx - slope * step)) : 0;
        step = Math.max(step / 10, Math.min(step / 2, next));
      }
      if (!found) {
        return new Result(x, fx, maxAbs(g), iteration - 1, evaluations, false);
      }

      double sy = 0;
      double ss = 0;
      double yy = 0;
      for (int i = 0; i < n; i++) {
        double si = xNew[i] - x[i];
        double yi = gNew[i] - g[i];
        sy += si * yi;
        ss += si * si;
        yy += yi * yi;
      }
      if (sy > 1e-10 * Math.sqrt(ss * yy)) {
        int p = (newest + 1) % m;
        for (int i = 0; i < n; i++) {
          s[p][i] = xNew[i] - x[i];
          y[p][i] = gNew[i] - g[i];
        }
        rho[p] = 1 / sy;
        newest = p;
        stored = Math.min(stored + 1, m);
      }
      double gained = fx - fNew;
      double[] swap = x;
      x = xNew;
      xNew = swap;
      swap = g;
      g = gNew;
      gNew = swap;
      double previous = fx;
      fx = fNew;
      monitor.iterationDone(iteration);
      double gradientNorm = maxAbs(g);
      if (gradientNorm <= settings.gradientTolerance()
          || gained
              <= settings.relativeTolerance()
                  * Math.max(1, Math.max(Math.abs(previous), Math.abs(fx)))) {
        return new Result(x, fx, gradientNorm, iteration, evaluations, true);
      }
    }
    return new Result(x, fx, maxAbs(g), settings.maxIterations(), evaluations, false);
  }

  static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static void scale(double a, double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= a;
    }
  }

  private static double maxAbs(double[] x) {
    double max = 0;
    for (double v : x) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
