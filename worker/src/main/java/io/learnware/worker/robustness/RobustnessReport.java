package io.learnware.worker.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.Task;
import io.learnware.worker.job.RegressionMetrics;
import java.util.List;

/**
 * What a {@link Robustness} run measured; as JSON ({@link #toJson()}) the {@code robustness} job's
 * report ({@code spec-schema/…/robustness-report-v1.schema.json}, docs/robustness.md). A
 * classifier's figures are accuracies, a regressor's MAE, RMSE and R² ({@link Score}).
 *
 * @param task classification or regression; the JSON names it for regressors only
 * @param data what was measured on
 * @param clean on the data as it is
 * @param noise under Gaussian noise, one row per σ
 * @param fgsm under FGSM, one row per ε; empty when the model has no input gradients
 * @param pgd under PGD, likewise
 * @param blackBox under Square Attack, one row per ε; empty when it did not run
 * @param attacks which of FGSM, PGD and Square Attack ran, and why
 * @param corruptions under each image corruption at each severity; empty for tables
 * @param fooling the fooling search, when asked (classifiers only); else null
 * @param skipped for a regressor, what does not apply to it and why; empty for classifiers
 */
public record RobustnessReport(
    Task task,
    Data data,
    Clean clean,
    List<NoiseRow> noise,
    List<AttackRow> fgsm,
    List<AttackRow> pgd,
    List<SquareRow> blackBox,
    List<AttackRun> attacks,
    List<CorruptionRow> corruptions,
    FoolingSummary fooling,
    List<Skipped> skipped) {

  public RobustnessReport {
    noise = List.copyOf(noise);
    fgsm = List.copyOf(fgsm);
    pgd = List.copyOf(pgd);
    blackBox = List.copyOf(blackBox);
    attacks = List.copyOf(attacks);
    corruptions = List.copyOf(corruptions);
    skipped = List.copyOf(skipped);
  }

  /** The same report on data from the bundled benchmark set {@code name}. */
  public RobustnessReport withBenchmark(String name) {
    return new RobustnessReport(
        task,
        new Data(name, data.rows()),
        clean,
        noise,
        fgsm,
        pgd,
        blackBox,
        attacks,
        corruptions,
        fooling,
        skipped);
  }

  /**
   * @param benchmark the bundled benchmark set's name, when the job used one; else null
   * @param rows evaluation rows
   */
  public record Data(String benchmark, int rows) {}

  /**
   * A classifier's accuracy or a regressor's error; exactly one is set.
   *
   * @param accuracy the share of rows whose largest output (first on ties) is at their label
   * @param error MAE, RMSE and R² against the rows' targets
   */
  public record Score(Double accuracy, RegressionMetrics error) {

    public static Score accuracy(double accuracy) {
      return new Score(accuracy, null);
    }

    public static Score error(RegressionMetrics error) {
      return new Score(null, error);
    }

    private ObjectNode putInto(ObjectNode row) {
      return error != null ? error.putInto(row) : row.put("accuracy", accuracy);
    }
  }

  /**
   * @param ece a classifier's expected calibration error of the softmax of its outputs; null for a
   *     regressor
   * @param reliability the bins behind the ECE (for plots); null for a regressor
   */
  public record Clean(Score score, Double ece, List<Calibration.Bin> reliability) {}

  /**
   * @param draws noise draws a regressor's error is pooled over; null for a classifier
   */
  public record NoiseRow(double sigma, Score score, Integer draws) {}

  /**
   * @param steps PGD's steps; null for FGSM
   */
  public record AttackRow(double epsilon, Integer steps, Score score) {}

  /**
   * @param queries the budget per sample
   * @param meanQueries model evaluations per sample on average
   * @param p the fraction of the input the first windows cover
   */
  public record SquareRow(double epsilon, Score score, int queries, double meanQueries, double p) {}

  /**
   * @param name {@code fgsm}, {@code pgd} or {@code square}
   */
  public record AttackRun(String name, boolean ran, String reason) {}

  /**
   * @param name the corruption's name in lower case, e.g. {@code gaussian_noise}
   */
  public record CorruptionRow(String name, int severity, Score score) {}

  public record Skipped(String name, String reason) {}

  /**
   * The fooling search ({@link Fooling}) with each class's distance from its best input to the
   * evaluation data.
   *
   * @param typicalNearestDistance the data's typical nearest-neighbour distance; null for fewer
   *     than two rows
   */
  public record FoolingSummary(
      int classesFooled,
      double target,
      int generationsRun,
      long evaluations,
      Double typicalNearestDistance,
      List<FooledClass> perClass) {

    public FoolingSummary {
      perClass = List.copyOf(perClass);
    }
  }

  /**
   * @param nearestDistance from the best input to the nearest data row; null without a typical
   *     distance
   * @param distanceRatio {@code nearestDistance} over the typical one; null when that is 0 or
   *     unknown
   */
  public record FooledClass(
      String label,
      boolean fooled,
      double bestConfidence,
      int generations,
      Double nearestDistance,
      Double distanceRatio) {}

  /** The report as the job's JSON report. */
  public JsonNode toJson() {
    ObjectNode out = SpecDocuments.mapper().createObjectNode();
    boolean regression = task == Task.REGRESSION;
    if (regression) {
      out.put("task", task.jsonName());
    }
    ObjectNode evaluated = out.putObject("data");
    if (data.benchmark() != null) {
      evaluated.put("benchmark", data.benchmark());
    }
    evaluated.put("rows", data.rows());
    ObjectNode cleanNode = clean.score().putInto(out.putObject("clean"));
    if (clean.ece() != null) {
      cleanNode.put("ece", clean.ece());
      ArrayNode bins = cleanNode.putArray("reliability");
      for (Calibration.Bin bin : clean.reliability()) {
        bins.addObject()
            .put("from", bin.from())
            .put("to", bin.to())
            .put("count", bin.count())
            .put("confidence", bin.confidence())
            .put("accuracy", bin.accuracy());
      }
    }
    ArrayNode noiseRows = out.putArray("noise");
    for (NoiseRow row : noise) {
      ObjectNode node = row.score().putInto(noiseRows.addObject().put("sigma", row.sigma()));
      if (row.draws() != null) {
        node.put("draws", row.draws());
      }
    }
    attackRows(out.putArray("fgsm"), fgsm);
    attackRows(out.putArray("pgd"), pgd);
    ArrayNode squareRows = out.putArray("blackBox");
    for (SquareRow row : blackBox) {
      row.score()
          .putInto(squareRows.addObject().put("attack", "square").put("epsilon", row.epsilon()))
          .put("queries", row.queries())
          .put("meanQueries", row.meanQueries())
          .put("p", row.p());
    }
    ArrayNode runs = out.putArray("attacks");
    for (AttackRun run : attacks) {
      runs.addObject().put("name", run.name()).put("ran", run.ran()).put("reason", run.reason());
    }
    ArrayNode corrupted = out.putArray("corruptions");
    for (CorruptionRow row : corruptions) {
      row.score()
          .putInto(corrupted.addObject().put("name", row.name()).put("severity", row.severity()));
    }
    if (fooling != null) {
      out.set("fooling", foolingJson(fooling));
    }
    if (regression) {
      ArrayNode skippedRows = out.putArray("skipped");
      for (Skipped row : skipped) {
        skippedRows.addObject().put("name", row.name()).put("reason", row.reason());
      }
    }
    return out;
  }

  private static void attackRows(ArrayNode out, List<AttackRow> rows) {
    for (AttackRow row : rows) {
      ObjectNode node = out.addObject().put("epsilon", row.epsilon());
      if (row.steps() != null) {
        node.put("steps", row.steps());
      }
      row.score().putInto(node);
    }
  }

  private static ObjectNode foolingJson(FoolingSummary fooling) {
    ObjectNode out = SpecDocuments.mapper().createObjectNode();
    out.put("classesFooled", fooling.classesFooled());
    out.put("target", fooling.target());
    out.put("generationsRun", fooling.generationsRun());
    out.put("evaluations", fooling.evaluations());
    putPresent(out, "typicalNearestDistance", fooling.typicalNearestDistance());
    ArrayNode perClass = out.putArray("perClass");
    for (FooledClass c : fooling.perClass()) {
      ObjectNode entry = perClass.addObject();
      entry.put("label", c.label());
      entry.put("fooled", c.fooled());
      entry.put("bestConfidence", c.bestConfidence());
      entry.put("generations", c.generations());
      putPresent(entry, "nearestDistance", c.nearestDistance());
      putPresent(entry, "distanceRatio", c.distanceRatio());
    }
    return out;
  }

  /** Leaves out what is unknown rather than writing null. */
  private static void putPresent(ObjectNode node, String name, Double value) {
    if (value != null) {
      node.put(name, value);
    }
  }
}
