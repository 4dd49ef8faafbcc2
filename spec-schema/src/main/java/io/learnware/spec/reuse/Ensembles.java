package io.learnware.spec.reuse;

import io.learnware.spec.rkme.Matrix;
import java.util.ArrayList;
import java.util.List;

/**
 * Reuse of several learnwares that share an output space, without knowing which fits a row: the
 * mean of their probabilities, or a majority vote.
 */
public final class Ensembles {

  /**
   * The weight of the mean probability in a vote's shares. 1e-6 made ties of two confident votes
   * differ by about 1e-7 in their logarithm, under float32's resolution there (6e-8 relative):
   * digits-low and digits-high's vote fell from 0.828 to 0.725 once loaded as a published ensemble.
   * With 1e-3, tied classes whose mean probabilities differ by more than about 2e-4 keep their
   * order.
   */
  static final double TIE_BREAK = 1e-3;

  private Ensembles() {}

  /** The mean of the members' probabilities (soft voting). */
  public static ProbabilisticClassifier mean(List<? extends ProbabilisticClassifier> members) {
    List<ProbabilisticClassifier> all = requireMembers(members);
    return rows -> {
      double[][] sum = null;
      for (ProbabilisticClassifier member : all) {
        double[][] p = member.probabilities(rows);
        sum = sum == null ? copy(p) : add(sum, p);
      }
      for (double[] row : sum) {
        for (int c = 0; c < row.length; c++) {
          row[c] /= all.size();
        }
      }
      return sum;
    };
  }

  /**
   * Majority vote of the members' predicted classes; the result's probabilities are the shares of
   * votes. Ties go to the class with the larger mean probability, so that a vote of two never falls
   * back on class order.
   */
  public static ProbabilisticClassifier vote(List<? extends ProbabilisticClassifier> members) {
    List<ProbabilisticClassifier> all = requireMembers(members);
    return rows -> {
      double[][] votes = null;
      double[][] mean = null;
      for (ProbabilisticClassifier member : all) {
        double[][] p = member.probabilities(rows);
        int[] predicted = ProbabilisticClassifier.argmax(p);
        if (votes == null) {
          votes = new double[p.length][p.length == 0 ? 0 : p[0].length];
          mean = new double[p.length][votes.length == 0 ? 0 : votes[0].length];
        }
        for (int r = 0; r < p.length; r++) {
          votes[r][predicted[r]] += 1.0 / all.size();
        }
        add(mean, p);
      }
      for (int r = 0; r < votes.length; r++) {
        // A small share of the mean probability breaks ties without outweighing a single vote
        // (at most TIE_BREAK < 1/8, the least a vote weighs), and large enough that the order
        // survives float32, in which every engine answers a published ensemble's outputs.
        for (int c = 0; c < votes[r].length; c++) {
          votes[r][c] += TIE_BREAK * mean[r][c] / all.size();
        }
        double total = 0;
        for (double v : votes[r]) {
          total += v;
        }
        for (int c = 0; c < votes[r].length; c++) {
          votes[r][c] /= total;
        }
      }
      return votes;
    };
  }

  /**
   * Each row answered by the member the router chose for it ({@link JobSelector}).
   *
   * @param routes the member index per row, as {@code rows -> int[]}
   */
  public static ProbabilisticClassifier routed(
      Router routes, List<? extends ProbabilisticClassifier> members) {
    List<ProbabilisticClassifier> all = requireMembers(members);
    return rows -> {
      int[] route = routes.route(rows);
      double[][] out = new double[rows.rows()][];
      for (int m = 0; m < all.size(); m++) {
        List<Integer> mine = new ArrayList<>();
        for (int r = 0; r < route.length; r++) {
          if (route[r] == m) {
            mine.add(r);
          }
        }
        if (mine.isEmpty()) {
          continue;
        }
        double[] data = new double[mine.size() * rows.columns()];
        for (int i = 0; i < mine.size(); i++) {
          System.arraycopy(
              rows.data(), mine.get(i) * rows.columns(), data, i * rows.columns(), rows.columns());
        }
        double[][] p = all.get(m).probabilities(new Matrix(mine.size(), rows.columns(), data));
        for (int i = 0; i < mine.size(); i++) {
          out[mine.get(i)] = p[i];
        }
      }
      return out;
    };
  }

  /** Chooses a member per row. */
  @FunctionalInterface
  public interface Router {
    int[] route(Matrix rows) throws Exception;
  }

  private static List<ProbabilisticClassifier> requireMembers(
      List<? extends ProbabilisticClassifier> members) {
    if (members == null || members.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one member");
    }
    return List.copyOf(members);
  }

  private static double[][] copy(double[][] p) {
    double[][] out = new double[p.length][];
    for (int r = 0; r < p.length; r++) {
      out[r] = p[r].clone();
    }
    return out;
  }

  private static double[][] add(double[][] sum, double[][] p) {
    if (sum.length != p.length) {
      throw new IllegalStateException("members answered for different numbers of rows");
    }
    for (int r = 0; r < p.length; r++) {
      if (sum[r].length != p[r].length) {
        throw new IllegalArgumentException(
            "members disagree on the number of classes: %d and %d"
                .formatted(sum[r].length, p[r].length));
      }
      for (int c = 0; c < p[r].length; c++) {
        sum[r][c] += p[r][c];
      }
    }
    return sum;
  }
}
