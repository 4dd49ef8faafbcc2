package io.learnware.it.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.client.JobInfo;
import io.learnware.client.JobListener;
import io.learnware.client.JobRequest;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.TransferListener;
import io.learnware.djl.LearnwareModel;
import io.learnware.djl.Reuse;
import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.reuse.JobSelector;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.testing.Fixtures;
import io.learnware.worker.runtime.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reuse of two learnwares trained on halves of the digits (fixtures/digits-low, digits-high) by
 * users whose data span both halves, or one: accuracy of each learnware alone, of the ensembles and
 * of the RKME job selector, as the market's {@code reuse} job (a real DJL worker) reports it, with
 * the selector's routing checked by the client library (DJL, {@code learnware://} URLs). Not a test
 * (failsafe skips the name); {@code bench/reuse.sh} runs it and prints Markdown tables.
 */
class ReuseBenchmark {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  private record User(String name, String description, IntPredicate rows) {}

  @Test
  void run() throws Exception {
    String token = market.newUser("bench");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.validateAll();
    List<String> lines = testRows();
    SplittableRandom random = new SplittableRandom(7);
    boolean[] sampled = new boolean[lines.size()];
    for (int i = 0; i < sampled.length; i++) {
      sampled[i] = random.nextDouble() < 0.2;
    }
    List<User> users =
        List.of(
            new User("both", "all 360 test rows (digits 0-9)", label -> true),
            new User("mostly-low", "the test 0-4s and a fifth of the 5-9s", label -> label < 5),
            new User("high", "the test 5-9s only", label -> label >= 5));

    Worker worker = RealWorker.builder(market, "bench", List.of("reuse")).build();
    Thread thread = Thread.ofPlatform().start(worker::run);
    StringBuilder table =
        new StringBuilder(
            "| user's data | rows | digits-low alone | digits-high alone | mean | vote | selector"
                + " | rows routed right | job time |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    System.setProperty("learnware.cache", Files.createTempDirectory("reuse-cache").toString());
    try (LearnwareClient client = LearnwareClient.builder(market.uri()).token(token).build();
        LearnwareModel low = LearnwareModel.load(market.learnwareUrl(owner + "/digits-low"));
        LearnwareModel high = LearnwareModel.load(market.learnwareUrl(owner + "/digits-high"))) {
      for (int u = 0; u < users.size(); u++) {
        User user = users.get(u);
        Path csv = Files.createTempFile("reuse-" + user.name(), ".csv");
        List<String> kept = new ArrayList<>(List.of(lines.getFirst()));
        for (int i = 1; i < lines.size(); i++) {
          int label = Integer.parseInt(lines.get(i).substring(lines.get(i).lastIndexOf(',') + 1));
          if (user.rows().test(label) || (user.name().equals("mostly-low") && sampled[i])) {
            kept.add(lines.get(i));
          }
        }
        Files.write(csv, kept);
        client.uploadDataset(owner, user.name(), csv, null, TransferListener.none());
        JobInfo job =
            client.submit(
                JobRequest.reuse(
                    List.of(
                        LearnwareRef.parse(owner + "/digits-low"),
                        LearnwareRef.parse(owner + "/digits-high")),
                    owner + "/" + user.name()));
        JobInfo done = client.watch(job.id(), JobListener.none());
        assertThat(done.succeeded()).as(done.error()).isTrue();
        JsonNode r = done.result().report();

        // The client library's own selector, to see how many rows it routes to their half.
        CsvTables.Table data = CsvTables.read(csv, "label", ProgressListener.none());
        int[] routes = Reuse.selectorBuilder(List.of(low, high)).build().route(data.features());
        int right = 0;
        for (int i = 0; i < routes.length; i++) {
          right += routes[i] == (Integer.parseInt(data.labels().get(i)) < 5 ? 0 : 1) ? 1 : 0;
        }
        Duration took =
            Duration.between(Instant.parse(done.startedAt()), Instant.parse(done.finishedAt()));
        double[] accuracies = {
          r.at("/single/0/accuracy").asDouble(),
          r.at("/single/1/accuracy").asDouble(),
          r.at("/mean/accuracy").asDouble(),
          r.at("/vote/accuracy").asDouble(),
          r.at("/selector/accuracy").asDouble()
        };
        double best = Arrays.stream(accuracies).max().orElseThrow();
        StringBuilder row =
            new StringBuilder(
                String.format(
                    Locale.ROOT, "| %s | %d |", user.description(), r.get("rows").asInt()));
        for (double accuracy : accuracies) {
          // The best method of the row in bold.
          String cell = String.format(Locale.ROOT, "%.4f", accuracy);
          row.append(' ').append(accuracy == best ? "**" + cell + "**" : cell).append(" |");
        }
        table
            .append(row)
            .append(
                String.format(
                    Locale.ROOT,
                    " %.4f | %.2f s |%n",
                    right / (double) routes.length,
                    took.toMillis() / 1000.0));
        Files.delete(csv);
      }
      table.append(selectorSettings(low, high, lines));
    } finally {
      System.clearProperty("learnware.cache");
      worker.stop();
      thread.join(30_000);
    }
    System.out.print(table);
  }

  /** The client library's selector on all 360 test rows, by router and herded points. */
  private static String selectorSettings(
      LearnwareModel low, LearnwareModel high, List<String> lines) throws Exception {
    Path csv = Files.createTempFile("reuse-all", ".csv");
    Files.write(csv, lines);
    CsvTables.Table data = CsvTables.read(csv, "label", ProgressListener.none());
    Files.delete(csv);
    int[] labels = data.labels().stream().mapToInt(Integer::parseInt).toArray();
    StringBuilder out =
        new StringBuilder(
            "\n| selector: router | points per learnware | rows routed right | accuracy |\n"
                + "| --- | ---: | ---: | ---: |\n");
    for (int hidden : new int[] {0, 32}) {
      for (int points : new int[] {100, 500, 2000}) {
        JobSelector selector =
            Reuse.selectorBuilder(List.of(low, high))
                .optHidden(hidden)
                .optPointsPerCandidate(points)
                .build();
        int[] routes = selector.route(data.features());
        int right = 0;
        for (int i = 0; i < routes.length; i++) {
          right += routes[i] == (labels[i] < 5 ? 0 : 1) ? 1 : 0;
        }
        double accuracy =
            ProbabilisticClassifier.accuracy(
                selector.over(List.of(low, high)).probabilities(data.features()), labels);
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %.4f | %.4f |%n",
                hidden == 0 ? "softmax regression" : "MLP, " + hidden + " hidden",
                points,
                right / (double) routes.length,
                accuracy));
      }
    }
    return out.toString();
  }

  private static List<String> testRows() throws IOException {
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(Fixtures.path("data/digits-test.csv.gz")))) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
    }
  }
}
