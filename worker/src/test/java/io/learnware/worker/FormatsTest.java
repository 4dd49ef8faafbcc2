package io.learnware.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.worker.distill.DistillHandler;
import io.learnware.worker.evaluate.EvaluateHandler;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.reuse.ReuseHandler;
import io.learnware.worker.robustness.RobustnessHandler;
import io.learnware.worker.transfer.TransferHandler;
import io.learnware.worker.validate.ValidateHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every job on every format (docs/formats.md): validate, distill (as the teacher), transfer (as the
 * source of the backbone), robustness, evaluate and reuse (as a member), each run by its handler on
 * the digits fixtures, the market's own formats made from them and two published ensembles of them.
 * Each cell either works, with its numbers checked, or fails with the technical reason the table
 * gives.
 */
class FormatsTest {

  /**
   * A learnware version of one format: its specification, artifact and other files, and for a
   * published ensemble its members.
   */
  record Cell(
      String name,
      ObjectNode spec,
      Path model,
      Map<String, Path> files,
      List<SourceInputs> members) {

    Cell(String name, ObjectNode spec, Path model, Map<String, Path> files) {
      this(name, spec, model, files, List.of());
    }

    static Cell of(String name, EnsembleFixtures.Published ensemble) {
      return new Cell(name, ensemble.spec(), ensemble.model(), Map.of(), ensemble.members());
    }

    boolean ensemble() {
      return !members.isEmpty();
    }
  }

  @TempDir static Path dir;
  static Path testCsv;
  static Map<String, Cell> cells = new LinkedHashMap<>();

  @BeforeAll
  static void makeOneOfEachFormat() throws Exception {
    MarketModels made = MarketModels.make(dir);
    Map<String, Path> features = Map.of("features.pt", Fixtures.path("digits-mlp/features.pt"));
    cells.put(
        "torchscript",
        new Cell(
            "torchscript",
            Fixtures.json("digits-mlp/spec.json").deepCopy(),
            Fixtures.path("digits-mlp/model.pt"),
            features));
    ObjectNode onnx = Fixtures.json("digits-mlp/spec.json").deepCopy();
    ((ObjectNode) onnx.get("model")).put("format", "onnx");
    cells.put("onnx", new Cell("onnx", onnx, Fixtures.path("digits-mlp/model.onnx"), features));
    cells.put(
        "djl mlp",
        new Cell(
            "djl mlp",
            market("digits-mlp", "djl", made.mlp().architecture()),
            made.mlp().artifact(),
            Map.of()));
    cells.put(
        "djl cnn",
        new Cell(
            "djl cnn",
            market("digits-cnn", "djl", made.cnn().architecture()),
            made.cnn().artifact(),
            Map.of()));
    cells.put(
        "djl transfer",
        new Cell(
            "djl transfer",
            market("digits-mlp", "djl", made.transferred().architecture()),
            made.transferred().artifact(),
            Map.of()));
    cells.put(
        "xgboost",
        new Cell(
            "xgboost",
            market("digits-mlp", "xgboost", made.gbdt().architecture()),
            made.gbdt().artifact(),
            Map.of()));
    // Published ensembles: digits-low and digits-high routed by the job selector; digits-mlp as
    // TorchScript and as ONNX by vote (members of two formats).
    cells.put(
        "ensemble low+high",
        Cell.of(
            "ensemble low+high",
            EnsembleFixtures.publish(
                dir,
                EnsembleManifest.Method.SELECTOR,
                List.of(EnsembleFixtures.digitsHalf("low"), EnsembleFixtures.digitsHalf("high")))));
    cells.put(
        "ensemble ts+onnx",
        Cell.of(
            "ensemble ts+onnx",
            EnsembleFixtures.publish(
                dir,
                EnsembleManifest.Method.VOTE,
                List.of(EnsembleFixtures.digitsMlp(false), EnsembleFixtures.digitsMlp(true)))));
    Fixtures.Digits test =
        Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    StringBuilder csv = new StringBuilder();
    for (int c = 0; c < 64; c++) {
      csv.append('p').append(c).append(',');
    }
    csv.append("label\n");
    for (int r = 0; r < 360; r++) {
      for (int c = 0; c < 64; c++) {
        csv.append(test.pixels().data()[r * 64 + c]).append(',');
      }
      csv.append(test.labels()[r]).append('\n');
    }
    testCsv = Files.writeString(dir.resolve("test.csv"), csv);
  }

  /** A fixture's specification with a model the market made. */
  static ObjectNode market(String fixture, String format, JsonNode architecture) {
    ObjectNode spec = Fixtures.json(fixture + "/spec.json").deepCopy();
    spec.putObject("model").put("format", format).set("architecture", architecture);
    return spec;
  }

  static JobOutcome run(JobHandler handler, Cell cell, String params, Path dataset)
      throws Exception {
    return handler.run(
        new JobContext(
            "job-" + cell.name(),
            SpecDocuments.mapper().readTree(params),
            SpecDocuments.parse(cell.spec()),
            cell.spec(),
            cell.model(),
            cell.files(),
            Optional.ofNullable(dataset),
            Optional.empty(),
            Files.createTempDirectory(dir, "work"),
            "cpu",
            new RecordingProgress(),
            List.of(),
            cell.members()));
  }

  @Test
  void everyFormatValidates() throws Exception {
    for (Cell cell : cells.values()) {
      JsonNode report = run(new ValidateHandler(), cell, "{}", null).report();
      System.out.printf(
          "validate %s: usable %s, %s parameters, %.4f ms per sample%n",
          cell.name(),
          report.get("usable"),
          report.get("parameters"),
          report.get("latencyMsPerSample").asDouble());
      assertThat(report.get("usable").asBoolean()).as(cell.name()).isTrue();
      assertThat(report.get("outputShape").toString()).as(cell.name()).isEqualTo("[64,10]");
      assertThat(report.get("parameters").asLong()).as(cell.name()).isPositive();
    }
  }

  @Test
  void everyFormatTeachesAStudent() throws Exception {
    for (Cell cell : cells.values()) {
      JobOutcome outcome =
          run(
              new DistillHandler(),
              cell,
              "{\"student\": {\"type\": \"mlp\", \"hidden\": [16]}, \"epochs\": 10, \"seed\": 1}",
              testCsv);
      JsonNode report = outcome.report();
      System.out.printf(
          "distill %s: fidelity %.4f, teacher accuracy %.4f, parameter ratio %s%n",
          cell.name(),
          report.get("fidelity").asDouble(),
          report.get("teacherAccuracy").asDouble(),
          report.get("parameterRatio"));
      assertThat(outcome.resultSpec().orElseThrow().at("/model/format").asText()).isEqualTo("djl");
      assertThat(report.get("teacherAccuracy").asDouble()).as(cell.name()).isGreaterThan(0.8);
      assertThat(report.get("fidelity").asDouble()).as(cell.name()).isGreaterThan(0.6);
      assertThat(report.get("parameterRatio").asDouble()).as(cell.name()).isPositive();
    }
  }

  @Test
  void everyFormatWithABackboneTransfers() throws Exception {
    Map<String, String> backbones =
        Map.of(
            "torchscript", "torchscript",
            "onnx", "torchscript",
            "djl mlp", "mlp",
            "djl cnn", "cnn",
            "djl transfer", "torchscript");
    for (Cell cell : cells.values()) {
      String params = "{\"epochs\": 30, \"seed\": 1}";
      if (!backbones.containsKey(cell.name())) {
        assertThatThrownBy(() -> run(new TransferHandler(), cell, params, testCsv))
            .isInstanceOf(JobFailure.class)
            .hasMessage(
                "the source has no feature extractor to transfer: "
                    + (cell.ensemble()
                        ? "a published ensemble has no single backbone: each member has its own"
                            + " layers, and the ensemble combines their outputs, not their features"
                        : "boosted trees have no feature layer to keep: their only outputs are the"
                            + " per-class sums of leaf values"));
        continue;
      }
      JobOutcome outcome = run(new TransferHandler(), cell, params, testCsv);
      JsonNode report = outcome.report();
      System.out.printf(
          "transfer %s: accuracy %.4f, raw inputs %.4f, %d features%n",
          cell.name(),
          report.get("accuracy").asDouble(),
          report.get("baselineAccuracy").asDouble(),
          report.get("featureDimension").asInt());
      assertThat(
              outcome.resultSpec().orElseThrow().at("/model/architecture/backbone/type").asText())
          .as(cell.name())
          .isEqualTo(backbones.get(cell.name()));
      assertThat(report.get("accuracy").asDouble()).as(cell.name()).isGreaterThan(0.5);
    }
    // Without a declared extractor, a graph cannot be cut.
    for (String name : List.of("torchscript", "onnx")) {
      Cell cell = cells.get(name);
      ObjectNode bare = cell.spec().deepCopy();
      ((ObjectNode) bare.get("model")).remove("featureExtractor");
      assertThatThrownBy(
              () ->
                  run(
                      new TransferHandler(),
                      new Cell(name, bare, cell.model(), Map.of()),
                      "{}",
                      testCsv))
          .isInstanceOf(JobFailure.class)
          .hasMessageStartingWith(
              name.equals("onnx")
                  ? "the source has no feature extractor to transfer: this worker cannot cut an"
                      + " ONNX graph at its last layer"
                  : "the source has no feature extractor to transfer: DJL cannot remove the last"
                      + " layer of a TorchScript module");
    }
  }

  @Test
  void everyFormatIsAttacked() throws Exception {
    for (Cell cell : cells.values()) {
      JsonNode report =
          run(
                  new RobustnessHandler(),
                  cell,
                  "{\"noise\": [0.1], \"epsilons\": [0.1], \"squareQueries\": 50,"
                      + " \"corruptions\": [\"contrast\"], \"severities\": [3]}",
                  testCsv)
              .report();
      assertThat(new SpecValidator().validateRobustnessReport(report)).isEmpty();
      boolean gradients =
          !cell.name().equals("onnx") && !cell.name().equals("xgboost") && !cell.ensemble();
      double clean = report.at("/clean/accuracy").asDouble();
      double attacked =
          gradients
              ? report.at("/pgd/0/accuracy").asDouble()
              : report.at("/blackBox/0/accuracy").asDouble();
      System.out.printf(
          "robustness %s: clean %.4f, noise %.4f, %s ε 0.1 %.4f%n",
          cell.name(),
          clean,
          report.at("/noise/0/accuracy").asDouble(),
          gradients ? "PGD" : "Square Attack (50 queries)",
          attacked);
      assertThat(report.at("/attacks/1/ran").asBoolean()).as(cell.name()).isEqualTo(gradients);
      assertThat(report.at("/attacks/2/ran").asBoolean()).as(cell.name()).isEqualTo(!gradients);
      assertThat(report.get("pgd")).hasSize(gradients ? 1 : 0);
      assertThat(report.get("blackBox")).hasSize(gradients ? 0 : 1);
      assertThat(clean).as(cell.name()).isGreaterThan(0.8);
      assertThat(attacked).as(cell.name()).isLessThan(clean - 0.15);
      // Corruptions are image operations: only the image learnware gets them.
      assertThat(report.get("corruptions")).hasSize(cell.name().equals("djl cnn") ? 1 : 0);
    }
  }

  @Test
  void everyFormatIsEvaluated() throws Exception {
    Fixtures.Digits test =
        Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    for (Cell cell : cells.values()) {
      JsonNode report = run(new EvaluateHandler(), cell, "{}", testCsv).report();
      assertThat(new SpecValidator().validateEvaluateReport(report)).isEmpty();
      // The job's figures are the model's own answers, loaded directly, counted here.
      int right = 0;
      try (RunnableModel model = ModelRuntime.load(member(cell).modelSource(Device.cpu()))) {
        float[][] outputs = model.predict(test.pixels());
        for (int r = 0; r < outputs.length; r++) {
          int best = 0;
          for (int c = 1; c < outputs[r].length; c++) {
            best = outputs[r][c] > outputs[r][best] ? c : best;
          }
          right += best == test.labels()[r] ? 1 : 0;
        }
      }
      long counted = 0;
      for (JsonNode row : report.get("confusion")) {
        for (JsonNode count : row) {
          counted += count.asLong();
        }
      }
      System.out.printf(
          "evaluate %s: accuracy %.4f, macro F1 %.4f, ECE %.4f%n",
          cell.name(),
          report.get("accuracy").asDouble(),
          report.at("/macro/f1").asDouble(),
          report.get("ece").asDouble());
      assertThat(report.get("accuracy").asDouble()).as(cell.name()).isEqualTo(right / 360.0);
      assertThat(counted).isEqualTo(360);
      assertThat(report.get("accuracy").asDouble()).as(cell.name()).isGreaterThan(0.8);
    }
  }

  @Test
  void everyFormatIsReused() throws Exception {
    Cell reference = cells.get("torchscript");
    for (Cell cell : cells.values()) {
      List<SourceInputs> members = List.of(member(reference), member(cell));
      JsonNode report =
          new ReuseHandler()
              .run(
                  new JobContext(
                      "job-reuse",
                      SpecDocuments.mapper().readTree("{\"methods\": [\"mean\"]}"),
                      SpecDocuments.parse(reference.spec()),
                      reference.spec(),
                      reference.model(),
                      reference.files(),
                      Optional.of(testCsv),
                      Optional.empty(),
                      Files.createTempDirectory(dir, "work"),
                      "cpu",
                      new RecordingProgress(),
                      members))
              .report();
      System.out.printf(
          "reuse torchscript + %s: alone %.4f, mean %.4f%n",
          cell.name(),
          report.at("/single/1/accuracy").asDouble(),
          report.at("/mean/accuracy").asDouble());
      assertThat(report.at("/single/0/accuracy").asDouble()).isEqualTo(330 / 360.0);
      assertThat(report.at("/single/1/accuracy").asDouble()).as(cell.name()).isGreaterThan(0.8);
    }
  }

  static SourceInputs member(Cell cell) {
    return new SourceInputs(
        "t/" + cell.name().replace(' ', '-') + "@1",
        SpecDocuments.parse(cell.spec()),
        cell.spec(),
        cell.model(),
        cell.files(),
        cell.members());
  }
}
