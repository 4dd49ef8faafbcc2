package io.learnware.djl.examples;

import io.learnware.djl.LearnwareModel;
import io.learnware.djl.Reuse;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.rkme.Matrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reuses several learnwares at once on a user's labelled data: each alone, the mean of their
 * probabilities, their vote, and the RKME job selector. Prints a Markdown table.
 *
 * <pre>
 * java -cp … io.learnware.djl.examples.ReuseExample fixtures/data/digits-test.csv.gz \
 *     learnware://localhost:8080/demo/digits-low learnware://localhost:8080/demo/digits-high
 * </pre>
 */
public final class ReuseExample {

  private ReuseExample() {}

  /** Accuracies on the user's data. */
  public record Measurement(
      int rows,
      List<String> learnwares,
      double[] single,
      double mean,
      double vote,
      double selector) {

    public double bestSingle() {
      return Arrays.stream(single).max().orElse(0);
    }

    /** The benchmark's table. */
    public String table() {
      StringBuilder out = new StringBuilder("| reuse | accuracy |\n| --- | ---: |\n");
      for (int i = 0; i < single.length; i++) {
        out.append(row(learnwares.get(i) + " alone", single[i]));
      }
      out.append(row("ensemble: mean of probabilities", mean));
      out.append(row("ensemble: vote", vote));
      out.append(row("job selector (RKME)", selector));
      return out.toString();
    }

    private static String row(String what, double accuracy) {
      return String.format(Locale.ROOT, "| %s | %.4f |%n", what, accuracy);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ReuseExample DATA.csv LEARNWARE-URL LEARNWARE-URL...");
      System.exit(2);
    }
    Measurement m = measure(Path.of(args[0]), Arrays.asList(args).subList(1, args.length));
    System.out.printf("%d rows of %s%n%n%s", m.rows(), args[0], m.table());
  }

  public static Measurement measure(Path csv, List<String> urls) throws Exception {
    CsvTables.Table table = CsvTables.read(csv, "label", ProgressListener.none());
    Matrix rows = table.features();
    int[] labels = table.labels().stream().mapToInt(Integer::parseInt).toArray();
    List<LearnwareModel> learnwares = new ArrayList<>();
    try {
      for (String url : urls) {
        learnwares.add(LearnwareModel.load(url));
      }
      double[] single = new double[learnwares.size()];
      for (int i = 0; i < single.length; i++) {
        single[i] = accuracy(learnwares.get(i), rows, labels);
      }
      return new Measurement(
          labels.length,
          urls,
          single,
          accuracy(Reuse.mean(learnwares), rows, labels),
          accuracy(Reuse.vote(learnwares), rows, labels),
          accuracy(Reuse.selector(learnwares), rows, labels));
    } finally {
      learnwares.forEach(LearnwareModel::close);
    }
  }

  private static double accuracy(ProbabilisticClassifier classifier, Matrix rows, int[] labels)
      throws Exception {
    return ProbabilisticClassifier.accuracy(classifier.probabilities(rows), labels);
  }
}
