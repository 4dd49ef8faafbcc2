package io.learnware.market.search;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;

import io.learnware.market.search.SearchDtos.Filters;
import io.learnware.market.search.SearchDtos.SearchRequest;
import io.learnware.market.search.SearchDtos.SearchResult;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.StrictGaussian;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Statistical search at 1,000 / 10,000 / 100,000 stored learnwares (d = 64, K = 100) against a
 * brute-force exact-MMD scan of every stored RKME in the same process. Not a test (its name keeps
 * surefire from running it by default): {@code bench/search.sh} runs it and prints the table.
 *
 * <p>Three markets ({@code bench.market}):
 *
 * <ul>
 *   <li>{@code topics} (the default): each RKME mixes three of 2,000 Gaussian "topics" with random
 *       weights; a query is the RKME, built by {@link Rkme#builder()}, of 2,000 fresh points from
 *       another random mixture.
 *   <li>{@code duplicates}: the topics market in groups of ten near-duplicates (every point of a
 *       group's RKME moved by about 1e−4, weights jittered by 1e−4), and each query drawn from one
 *       group's topics, so that its best ten tie to a few parts in a million.
 *   <li>{@code real}: specialists built from real data, alternately scikit-learn's digits and
 *       Fashion-MNIST's 64 image features (70% of each, by a seeded split): one learnware per pair
 *       or triple of classes at 100, 200 or 400 rows; a query is the RKME of 300 held-out rows of a
 *       random pair or triple.
 * </ul>
 *
 * <p>Rows are inserted with SQL (uploading 100,000 models over HTTP is a different benchmark);
 * their spec documents leave out the RKME, which search never reads from there.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class SearchBenchmark {

  private static final int D = 64;
  private static final int K = 100;
  private static final int TOPICS = 2000;
  private static final double NOISE = 0.3;

  @Inject DataSource dataSource;
  @Inject StatisticalIndex index;
  @Inject SearchService search;
  @Inject FeatureIndex features;
  @Inject PointsCache points;

  private final double[] topics = topics();
  private final String market = System.getProperty("bench.market", "topics");

  @Test
  void run() throws Exception {
    int[] sizes =
        Arrays.stream(System.getProperty("bench.sizes", "1000,10000,100000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int queries = Integer.getInteger("bench.queries", 40);
    int bruteQueries = Integer.getInteger("bench.bruteQueries", 5);
    // With a fraction of the learnwares private, anonymous searches leave them out first.
    double privateFraction = Double.parseDouble(System.getProperty("bench.privateFraction", "0"));
    List<String> privateRows = new ArrayList<>();
    String token = MARKET.newUser("bench");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "model-holder").then().statusCode(201);

    List<Rkme> queryRkmes = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    for (int q = 0; q < queries; q++) {
      Rkme rkme = queryRkme(q);
      queryRkmes.add(rkme);
      bodies.add(
          "{\"limit\": 10, \"statistical\": "
              + SpecDocuments.mapper().writeValueAsString(rkme.toSpec())
              + "}");
    }
    System.out.println();
    System.out.println(
        "| market | stored | index MB | heap used MB | search p50 ms | p99 ms | HTTP p50 ms | p99 ms |"
            + " with filters and text HTTP p50 ms | with a rare word HTTP p50 ms |"
            + " brute force p50 ms | speed-up | recall@10 |");
    System.out.println(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            + " ---: |");
    int stored = 0;
    for (int size : sizes) {
      long seedStart = System.nanoTime();
      SeededLearnwares.seed(dataSource, owner, stored, size, this::storedRkme);
      stored = size;
      // As at a start: the index read from the database, then the features of certified spaces.
      long loadStart = System.nanoTime();
      index.reload();
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      index.smallSpaces().forEach(space -> features.warm(space.getKey(), space.getValue()));
      System.err.printf(
          "seeded %d learnwares (and their search features) in %.1f s; index loaded in %.1f s%n",
          size, (System.nanoTime() - seedStart) / 1e9, loadSeconds);
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();

      List<SearchResult> results = new ArrayList<>();
      for (int warm = 0; warm < 10; warm++) {
        search.search(request(queryRkmes.get(warm % queries)));
      }
      double[] serviceMs = new double[queries];
      for (int q = 0; q < queries; q++) {
        SearchRequest request = request(queryRkmes.get(q));
        long t0 = System.nanoTime();
        results.add(search.search(request));
        serviceMs[q] = (System.nanoTime() - t0) / 1e6;
      }
      http(bodies.subList(0, Math.min(10, queries)));
      double[] httpMs = http(bodies);
      double[] filteredMs = http(bodies.stream().map(SearchBenchmark::withFiltersAndText).toList());
      double[] rareMs = rareWordSearches(owner, size, queryRkmes, bodies);
      double[] bruteMs = new double[bruteQueries];
      double recall = 0;
      int worstRank = 0;
      for (int q = 0; q < bruteQueries; q++) {
        long t0 = System.nanoTime();
        Set<String> exact = bruteForceTop10(queryRkmes.get(q));
        bruteMs[q] = (System.nanoTime() - t0) / 1e6;
        worstRank = Math.max(worstRank, worstEstimateRank(queryRkmes.get(q), exact));
        Set<String> found = new HashSet<>();
        results.get(q).single().forEach(m -> found.add(m.learnware()));
        found.retainAll(exact);
        recall += found.size() / 10.0;
      }
      System.out.printf(
          "| %s | %,d | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %.0fx | %.3f"
              + " |%n",
          market,
          size,
          StatisticalIndex.sketchBytes(index.size()) / 1e6,
          heap / 1e6,
          percentile(serviceMs, 50),
          percentile(serviceMs, 99),
          percentile(httpMs, 50),
          percentile(httpMs, 99),
          percentile(filteredMs, 50),
          percentile(rareMs, 50),
          percentile(bruteMs, 50),
          percentile(bruteMs, 50) / percentile(serviceMs, 50),
          recall / bruteQueries);
      System.err.printf("worst sketch rank of a true top-10 member: %d%n", worstRank);
      if (size
          <= ConfigProvider.getConfig()
              .getOptionalValue("learnware.search.certified-up-to", Integer.class)
              .orElse(20_000)) {
        System.err.println(certifiedWork(queryRkmes));
      }
      if (privateFraction > 0) {
        privateRows.add(hiddenCost(owner, size, privateFraction, bodies));
      }
    }
    if (!privateRows.isEmpty()) {
      System.out.println();
      System.out.println(
          "| stored | private | anonymous HTTP p50 ms | p99 ms | site admin HTTP p50 ms | p99 ms |"
              + " anonymous / admin |");
      System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
      privateRows.forEach(System.out::println);
    }
    System.out.printf(
        "(%d queries per size, %d of them also brute-forced for recall; K = %d, d = %d)%n",
        queries, bruteQueries, K, D);
  }

  /**
   * Makes every n-th bench learnware private (n = 1 / fraction), then times the same queries over
   * HTTP anonymously (private ones are looked up and left out) and as the site admin (who sees
   * all), alternating so that both meet the same machine load; puts them public again after.
   */
  private String hiddenCost(String owner, int size, double fraction, List<String> bodies)
      throws Exception {
    int every = (int) Math.round(1 / fraction);
    int hidden;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE learnware SET visibility = 'private' WHERE owner = ? AND name LIKE"
                    + " 'bench-%' AND substr(name, 7)::int % ? = 0")) {
      update.setString(1, owner);
      update.setInt(2, every);
      hidden = update.executeUpdate();
    }
    http(bodies.subList(0, Math.min(10, bodies.size())), null);
    http(bodies.subList(0, Math.min(10, bodies.size())), EmbeddedPostgresResource.ADMIN_TOKEN);
    double[] anonymous = new double[bodies.size()];
    double[] admin = new double[bodies.size()];
    for (int q = 0; q < bodies.size(); q++) {
      anonymous[q] = http(bodies.subList(q, q + 1), null)[0];
      admin[q] = http(bodies.subList(q, q + 1), EmbeddedPostgresResource.ADMIN_TOKEN)[0];
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE learnware SET visibility = 'public' WHERE owner = ? AND name LIKE"
                    + " 'bench-%'")) {
      update.setString(1, owner);
      update.executeUpdate();
    }
    return String.format(
        "| %,d | %,d | %.1f | %.1f | %.1f | %.1f | %.2f |",
        size,
        hidden,
        percentile(anonymous, 50),
        percentile(anonymous, 99),
        percentile(admin, 50),
        percentile(admin, 99),
        percentile(anonymous, 50) / percentile(admin, 50));
  }

  /**
   * The same search restricted by a filter every bench learnware passes and a full-text query all
   * their descriptions match: the cost of combining statistics with meaning.
   */
  private static String withFiltersAndText(String body) {
    return "{\"q\": \"synthetic learnware\", \"filters\": {\"task\": \"classification\","
        + " \"dataType\": \"table\"}, "
        + body.substring(1);
  }

  /**
   * The same searches with a word only one learnware's title has (its number, "-13" of bench-13): a
   * filter that matches few must not cost more than the search it narrows. Checks in process that
   * each finds its learnware, then times them over HTTP.
   */
  private double[] rareWordSearches(String owner, int size, List<Rkme> queries, List<String> bodies)
      throws Exception {
    List<String> rare = new ArrayList<>();
    for (int q = 0; q < bodies.size(); q++) {
      long number = (q * 7919L + 13) % size;
      // PostgreSQL parses "bench-13" as 'bench' and '-13'; quoted, "-13" is that one lexeme.
      String word = "\"-" + number + "\"";
      SearchResult found =
          search.search(
              new SearchRequest(
                  word,
                  Filters.NONE,
                  SpecDocuments.mapper().valueToTree(queries.get(q).toSpec()),
                  10,
                  0));
      String wanted = owner + "/bench-" + number + "@1";
      if (found.single().stream().noneMatch(m -> m.learnware().equals(wanted))) {
        throw new IllegalStateException("the search for " + word + " missed " + wanted);
      }
      rare.add("{\"q\": \"\\\"-" + number + "\\\"\", " + bodies.get(q).substring(1));
    }
    http(rare.subList(0, Math.min(10, rare.size())));
    return http(rare);
  }

  private static SearchRequest request(Rkme query) {
    return new SearchRequest(
        null, Filters.NONE, SpecDocuments.mapper().valueToTree(query.toSpec()), 10, 0);
  }

  private static double[] http(List<String> bodies) throws Exception {
    return http(bodies, null);
  }

  /**
   * Times each body's search over HTTP, with {@code token} when it is not null: one curl process
   * sends them one after another on one kept-alive connection, as a script would, and reports each
   * request's total time. (The JDK's HttpClient, in this JVM, added about 3 ms per request of its
   * own.)
   */
  private static double[] http(List<String> bodies, String token) throws Exception {
    int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    Path dir = Files.createTempDirectory("search-bench");
    try {
      StringBuilder config = new StringBuilder();
      for (int q = 0; q < bodies.size(); q++) {
        Path body = dir.resolve(q + ".json");
        Files.writeString(body, bodies.get(q));
        if (q > 0) {
          config.append("next\n");
        }
        config
            .append("url = \"http://localhost:")
            .append(port)
            .append("/api/v1/search\"\n")
            .append("header = \"Content-Type: application/json\"\n")
            .append("data-binary = \"@")
            .append(body)
            .append("\"\n")
            .append("output = \"/dev/null\"\n")
            .append("write-out = \"%{http_code} %{time_total}\\n\"\n");
        if (token != null) {
          config.append("header = \"Authorization: Bearer ").append(token).append("\"\n");
        }
      }
      Path configFile = dir.resolve("curl.config");
      Files.writeString(configFile, config);
      Process curl =
          new ProcessBuilder("curl", "-s", "-K", configFile.toString())
              .redirectErrorStream(true)
              .start();
      List<String> lines = new String(curl.getInputStream().readAllBytes()).lines().toList();
      if (curl.waitFor() != 0 || lines.size() != bodies.size()) {
        throw new IllegalStateException("curl: " + lines);
      }
      double[] ms = new double[bodies.size()];
      for (int q = 0; q < ms.length; q++) {
        String[] fields = lines.get(q).split(" ");
        if (!fields[0].equals("200")) {
          throw new IllegalStateException("search " + q + " answered " + lines.get(q));
        }
        ms[q] = Double.parseDouble(fields[1]) * 1000;
      }
      return ms;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  /** How many learnwares the certified search compared per query (of how many it bounded). */
  private String certifiedWork(List<Rkme> queries) {
    RkmeSpace space = new RkmeSpace("table/d=64/gamma=0.1");
    double[] compared = new double[queries.size()];
    double[] fullyBounded = new double[queries.size()];
    double[] landmarkBounded = new double[queries.size()];
    int bounded =
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  List<StatisticalIndex.Candidate> members =
                      index.members(space, id -> true, StatisticalIndex.StateFilter.USABLE);
                  FeatureIndex.SpaceFeatures spaceFeatures = features.of(space, members);
                  for (int q = 0; q < queries.size(); q++) {
                    Rkme query = queries.get(q);
                    CertifiedRanking.Ranked ranked =
                        CertifiedRanking.rank(query, members, spaceFeatures, 10, points::get);
                    compared[q] = ranked.scored().size();
                    fullyBounded[q] = ranked.fullyBounded();
                    landmarkBounded[q] = ranked.landmarkBounded();
                  }
                  return members.size();
                });
    return String.format(
        "T certified search: compared p50 %.0f, max %.0f of %d bounded (fully bounded p50 %.0f,"
            + " max %.0f; by landmarks p50 %.0f, max %.0f)",
        percentile(compared, 50),
        percentile(compared, 100),
        bounded,
        percentile(fullyBounded, 50),
        percentile(fullyBounded, 100),
        percentile(landmarkBounded, 50),
        percentile(landmarkBounded, 100));
  }

  /** The largest position, in the sketch's order, of a true top-10 member: the shortlist needed. */
  private int worstEstimateRank(Rkme query, Set<String> exactTop) {
    List<StatisticalIndex.Candidate> all =
        index.nearest(
            new RkmeSpace("table/d=64/gamma=0.1"),
            RandomFeatureSketch.of(query),
            id -> true,
            StatisticalIndex.StateFilter.USABLE,
            index.size());
    java.util.Map<Long, Integer> rankOf = new java.util.HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      rankOf.put(all.get(i).versionId(), i + 1);
    }
    int worst = 0;
    for (String key : exactTop) {
      worst = Math.max(worst, rankOf.get(versionIdOf.get(key)));
    }
    return worst;
  }

  private final java.util.Map<String, Long> versionIdOf = new java.util.HashMap<>();

  /** Reads every stored RKME and compares it exactly: what search would cost without its index. */
  private Set<String> bruteForceTop10(Rkme query) throws Exception {
    PriorityQueue<Object[]> best =
        new PriorityQueue<>((a, b) -> Double.compare((double) b[1], (double) a[1]));
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT l.owner || '/' || l.name || '@' || v.version, r.version_id, r.space, r.gamma,"
                  + " r.dimension, r.points, r.squared_norm, r.sketch, r.z, r.beta"
                  + " FROM version_rkme r JOIN learnware_version v ON v.id = r.version_id"
                  + " JOIN learnware l ON l.current_version_id = v.id")) {
        statement.setFetchSize(500);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            VersionRkme row = new VersionRkme();
            row.gamma = rows.getDouble(4);
            row.dimension = rows.getInt(5);
            row.points = rows.getInt(6);
            row.squaredNorm = rows.getDouble(7);
            row.z = rows.getBytes(9);
            row.beta = rows.getBytes(10);
            if (!"table/d=64/gamma=0.1".equals(rows.getString(3))) {
              continue;
            }
            versionIdOf.put(rows.getString(1), rows.getLong(2));
            double mmd = query.mmdSquared(row.rkme());
            best.add(new Object[] {rows.getString(1), mmd});
            if (best.size() > 10) {
              best.poll();
            }
          }
        }
      }
    }
    Set<String> out = new HashSet<>();
    best.forEach(entry -> out.add((String) entry[0]));
    return out;
  }

  /** A stored learnware's RKME in the chosen market. */
  private RkmeSpec storedRkme(long index) {
    return switch (market) {
      case "topics" -> topicsRkme(index, 0);
      case "duplicates" -> topicsRkme(index / 10, index % 10 + 1);
      case "real" -> Real.stored(index);
      default -> throw new IllegalArgumentException("bench.market " + market);
    };
  }

  private Rkme queryRkme(int q) {
    return switch (market) {
      // A group's topics, fresh points: its ten near-duplicates are the best, nearly tied.
      case "duplicates" ->
          Rkme.builder()
              .setData(sample(mixture(new SplittableRandom(q * 7919L % 100)), 2000, q))
              .build();
      case "real" -> Real.query(q);
      default ->
          Rkme.builder().setData(sample(mixture(new SplittableRandom(-1 - q)), 2000, q)).build();
    };
  }

  /**
   * K points drawn from the topic mixture seeded by {@code index}, jittered weights; copy {@code c
   * > 0} of it has every coordinate and weight moved by about 1e−4 (a near-duplicate).
   */
  private RkmeSpec topicsRkme(long index, long copy) {
    SplittableRandom random = new SplittableRandom(index);
    double[][] mixture = mixture(random);
    Matrix z = sample(mixture, K, index + 7_000_000);
    double[] beta = random.doubles(K, 0.5, 1.5).toArray();
    if (copy > 0) {
      SplittableRandom jitter = new SplittableRandom(index * 31 + copy);
      double[] moved = z.data().clone();
      for (int i = 0; i < moved.length; i++) {
        moved[i] += 1e-4 * StrictGaussian.next(jitter);
      }
      z = new Matrix(K, D, moved);
      for (int j = 0; j < K; j++) {
        beta[j] *= 1 + 1e-4 * StrictGaussian.next(jitter);
      }
    }
    double sum = Arrays.stream(beta).sum();
    for (int j = 0; j < K; j++) {
      beta[j] /= sum;
    }
    return new Rkme(0.1, 10_000, z, beta).toSpec();
  }

  /** The real-data market: digits and Fashion-MNIST specialists (see the class comment). */
  private static final class Real {
    private static final RealData.Labelled[][] SPLITS = {
      RealData.digits().split(0.7, 18), RealData.fashionFeatures().split(0.7, 18)
    };
    private static final int[][] SUBSETS = subsets();
    private static final int[] ROWS = {100, 200, 400};

    static RkmeSpec stored(long index) {
      RealData.Labelled train = SPLITS[(int) (index % 2)][0];
      int[] classes = SUBSETS[(int) (index / 2 % SUBSETS.length)];
      int rows = ROWS[(int) (index / 2 / SUBSETS.length % ROWS.length)];
      return rkme(train, classes, rows, index).toSpec();
    }

    static Rkme query(int q) {
      SplittableRandom random = new SplittableRandom(-1 - q);
      RealData.Labelled test = SPLITS[q % 2][1];
      return rkme(test, SUBSETS[random.nextInt(SUBSETS.length)], 300, -1 - q);
    }

    private static Rkme rkme(RealData.Labelled data, int[] classes, int rows, long seed) {
      RealData.Labelled chosen =
          data.where(label -> Arrays.stream(classes).anyMatch(c -> c == label));
      int[] order =
          new SplittableRandom(seed)
              .ints(0, chosen.labels().length)
              .distinct()
              .limit(Math.min(rows, chosen.labels().length))
              .toArray();
      return Rkme.builder().setData(chosen.rows(order).x()).optSeed(seed).build();
    }

    /** Every pair and triple of the ten classes: 45 + 120. */
    private static int[][] subsets() {
      List<int[]> out = new ArrayList<>();
      for (int a = 0; a < 10; a++) {
        for (int b = a + 1; b < 10; b++) {
          out.add(new int[] {a, b});
          for (int c = b + 1; c < 10; c++) {
            out.add(new int[] {a, b, c});
          }
        }
      }
      return out.toArray(int[][]::new);
    }
  }

  /** Three topics and their weights: {@code {{t1, t2, t3}, {w1, w2, w3}}}. */
  private static double[][] mixture(SplittableRandom random) {
    double[] chosen = IntStream.range(0, 3).mapToDouble(i -> random.nextInt(TOPICS)).toArray();
    double[] weights =
        IntStream.range(0, 3).mapToDouble(i -> -Math.log(1 - random.nextDouble())).toArray();
    double sum = Arrays.stream(weights).sum();
    for (int i = 0; i < 3; i++) {
      weights[i] /= sum;
    }
    return new double[][] {chosen, weights};
  }

  private Matrix sample(double[][] mixture, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[n * D];
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble();
      int pick = u < mixture[1][0] ? 0 : u < mixture[1][0] + mixture[1][1] ? 1 : 2;
      int topic = (int) mixture[0][pick];
      for (int c = 0; c < D; c++) {
        x[i * D + c] = topics[topic * D + c] + NOISE * StrictGaussian.next(random);
      }
    }
    return new Matrix(n, D, x);
  }

  private static double[] topics() {
    SplittableRandom random = new SplittableRandom(2026);
    return random.doubles((long) TOPICS * D).toArray();
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
