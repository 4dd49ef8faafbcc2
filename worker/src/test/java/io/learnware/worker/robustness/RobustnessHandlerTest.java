package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.worker.Fixtures;
import io.learnware.worker.RecordingProgress;
import io.learnware.worker.distill.Distillation;
import io.learnware.worker.distill.DistillationResult;
import io.learnware.worker.distill.Teacher;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.network.StudentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The robustness job on the digits fixtures: digits-mlp (table) and digits-cnn (1×8×8 image). */
class RobustnessHandlerTest {

  @TempDir static Path dir;
  static Path testCsv;
  static Fixtures.Digits test;

  @BeforeAll
  static void writeCsv() throws IOException {
    test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    testCsv = csv("test.csv", test, 64, Map.of());
  }

  /** The rows as a CSV with a header p0..p{columns-1},label; {@code labels} overrides some. */
  static Path csv(String name, Fixtures.Digits rows, int columns, Map<Integer, String> labels)
      throws IOException {
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < columns; c++) {
      out.append('p').append(c).append(',');
    }
    out.append("label\n");
    for (int r = 0; r < rows.labels().length; r++) {
      for (int c = 0; c < columns; c++) {
        out.append(rows.pixels().data()[r * 64 + c]).append(',');
      }
      out.append(labels.getOrDefault(r, Integer.toString(rows.labels()[r]))).append('\n');
    }
    Path file = dir.resolve(name);
    Files.writeString(file, out);
    return file;
  }

  static JobContext context(String params, String fixture, Path dataset, JobProgress progress)
      throws IOException {
    JsonNode spec = Fixtures.json(fixture + "/spec.json");
    return new JobContext(
        "job-1",
        SpecDocuments.mapper().readTree(params),
        SpecDocuments.parse(spec),
        spec,
        Fixtures.path(fixture + "/model.pt"),
        Map.of(),
        Optional.ofNullable(dataset),
        Optional.empty(),
        Files.createTempDirectory(dir, "work"),
        "cpu",
        progress);
  }

  static JsonNode run(String params, String fixture, Path dataset, RecordingProgress progress)
      throws Exception {
    JobOutcome outcome = new RobustnessHandler().run(context(params, fixture, dataset, progress));
    assertThat(outcome.resultSpec()).isEmpty();
    assertThat(outcome.resultModel()).isEmpty();
    assertThat(outcome.usable()).isEmpty();
    return outcome.report();
  }

  static void fails(String params, String fixture, Path dataset, String message) {
    assertThatThrownBy(() -> run(params, fixture, dataset, new RecordingProgress()))
        .isInstanceOf(JobFailure.class)
        .hasMessage(message);
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(JobHandler.class).stream().map(p -> p.get().type()))
        .contains("robustness");
  }

  @Test
  void aBundledBenchmarkSetStandsInForAnUploadedOne() throws Exception {
    JsonNode report =
        run(
            "{\"benchmark\": \"digits-test\", \"epsilons\": [0.1], \"noise\": []}",
            "digits-mlp",
            null,
            new RecordingProgress());
    // The same 360 test rows as the PyTorch reference: the same accuracies.
    JsonNode ref = Fixtures.json("digits-mlp/attacks.json");
    assertThat(report.get("data").toString())
        .isEqualTo("{\"benchmark\":\"digits-test\",\"rows\":360}");
    assertThat(report.get("clean").get("accuracy").asDouble()).isCloseTo(0.9167, within(5e-5));
    assertThat(report.get("fgsm").get(0).get("accuracy").asDouble())
        .isCloseTo(ref.get("fgsm").get(1).get("correct").asInt() / 360.0, within(1e-9));
    // Gradients: the white-box attacks ran, the black-box one was not needed.
    assertThat(report.get("attacks").toString())
        .isEqualTo(
            "[{\"name\":\"fgsm\",\"ran\":true,\"reason\":\"white-box: input gradients of the"
                + " cross-entropy through the torchscript model\"},{\"name\":\"pgd\",\"ran\":true,"
                + "\"reason\":\"white-box: input gradients of the cross-entropy through the"
                + " torchscript model\"},{\"name\":\"square\",\"ran\":false,\"reason\":\"the model"
                + " has input gradients, so FGSM and PGD ran; give \\\"blackBox\\\": true to run it"
                + " as well\"}]");
    assertThat(report.get("blackBox")).isEmpty();
    assertThat(new SpecValidator().validateRobustnessReport(report)).isEmpty();

    fails(
        "{\"benchmark\": \"fashion-mnist-test\"}",
        "digits-mlp",
        null,
        "the benchmark set \"fashion-mnist-test\" (Fashion-MNIST's 10,000 test images: 1×28×28,"
            + " labels 0..9) does not fit this learnware: the data set holds IDX images; the model"
            + " is a table learnware and needs a CSV data set with a header");
    fails(
        "{\"benchmark\": \"cifar\"}",
        "digits-mlp",
        null,
        "there is no bundled benchmark set \"cifar\"; there are digits-test, fashion-mnist-test");
    fails(
        "{\"benchmark\": \"digits-test\"}",
        "digits-mlp",
        testCsv,
        "name a data set or a benchmark set, not both");
  }

  @Test
  void digitsMlpMatchesThePyTorchReference() throws Exception {
    RecordingProgress progress = new RecordingProgress();
    JsonNode report =
        run(
            "{\"epsilons\": [0.05, 0.1, 0.2], \"noise\": [0.05, 0.2, 0.5]}",
            "digits-mlp",
            testCsv,
            progress);
    System.out.println("digits-mlp robustness: " + report);
    JsonNode ref = Fixtures.json("digits-mlp/attacks.json");
    assertThat(report.get("clean").get("accuracy").asDouble()).isCloseTo(0.9167, within(5e-5));
    assertThat(report.get("clean").get("ece").asDouble()).isBetween(0.0, 1.0);
    // The diagram's bins hold every row, and their ECE is the one reported.
    int rows = 0;
    double ece = 0;
    for (JsonNode bin : report.get("clean").get("reliability")) {
      rows += bin.get("count").asInt();
      ece +=
          bin.get("count").asInt()
              * Math.abs(bin.get("accuracy").asDouble() - bin.get("confidence").asDouble());
    }
    assertThat(rows).isEqualTo(360);
    assertThat(ece / 360).isCloseTo(report.get("clean").get("ece").asDouble(), within(1e-12));
    for (int i = 0; i < 3; i++) {
      JsonNode f = report.get("fgsm").get(i);
      JsonNode p = report.get("pgd").get(i);
      assertThat(f.get("epsilon").asDouble())
          .isEqualTo(ref.get("fgsm").get(i).get("epsilon").asDouble());
      assertThat(p.get("steps").asInt()).isEqualTo(10);
      // Within two rows of PyTorch (as AttacksTest: float rounding at decision boundaries).
      assertThat(f.get("accuracy").asDouble())
          .isCloseTo(
              ref.get("fgsm").get(i).get("correct").asInt() / 360.0,
              within(AttacksTest.TOLERANCE + 1e-12));
      assertThat(p.get("accuracy").asDouble())
          .isCloseTo(
              ref.get("pgd").get(i).get("correct").asInt() / 360.0,
              within(AttacksTest.TOLERANCE + 1e-12));
    }
    JsonNode noise = report.get("noise");
    assertThat(noise).hasSize(3);
    assertThat(noise.get(0).get("sigma").asDouble()).isEqualTo(0.05);
    assertThat(noise.get(0).get("accuracy").asDouble())
        .isLessThanOrEqualTo(report.get("clean").get("accuracy").asDouble() + 0.01)
        .isGreaterThan(noise.get(1).get("accuracy").asDouble());
    assertThat(noise.get(1).get("accuracy").asDouble())
        .isGreaterThan(noise.get(2).get("accuracy").asDouble());
    assertThat(report.get("corruptions")).isEmpty();
    assertThat(progress.fractions).isSorted();
    assertThat(progress.fractions.get(progress.fractions.size() - 1)).isEqualTo(1.0);
    assertThat(progress.messages).anyMatch(m -> m.startsWith("PGD"));
  }

  @Test
  void digitsCnnGetsEveryCorruption() throws Exception {
    JsonNode report =
        run(
            "{\"noise\": [], \"epsilons\": [0.1], \"severities\": [1, 5]}",
            "digits-cnn",
            testCsv,
            new RecordingProgress());
    System.out.println("digits-cnn robustness: " + report);
    double clean = report.get("clean").get("accuracy").asDouble();
    assertThat(clean).isGreaterThan(0.8);
    assertThat(report.get("fgsm").get(0).get("accuracy").asDouble()).isLessThan(clean);
    JsonNode corruptions = report.get("corruptions");
    assertThat(corruptions).hasSize(Corruption.values().length * 2);
    for (Corruption c : Corruption.values()) {
      String name = c.name().toLowerCase(java.util.Locale.ROOT);
      for (int severity : List.of(1, 5)) {
        JsonNode entry = null;
        for (JsonNode e : corruptions) {
          if (e.get("name").asText().equals(name) && e.get("severity").asInt() == severity) {
            entry = e;
          }
        }
        assertThat(entry).as("%s %d", name, severity).isNotNull();
        double acc = entry.get("accuracy").asDouble();
        assertThat(acc).isBetween(0.0, 1.0);
        if (severity == 5) {
          assertThat(acc).as(name).isLessThanOrEqualTo(clean);
        }
      }
    }
  }

  @Test
  void badInputsFail() throws Exception {
    fails(
        "{}",
        "digits-mlp",
        null,
        "robustness needs a labelled data set: upload one (POST /datasets) and name it in the"
            + " job, or name a bundled benchmark set in params.benchmark (digits-test,"
            + " fashion-mnist-test)");
    Fixtures.Digits few = Fixtures.digits(0, 5);
    Path unlabelled = dir.resolve("unlabelled.csv");
    Files.writeString(
        unlabelled, Files.readString(csv("few.csv", few, 64, Map.of())).replace(",label", ",p64"));
    fails(
        "{}",
        "digits-mlp",
        unlabelled,
        "the data set has 65 feature columns, the model takes 64 inputs");
    Path noLabels = dir.resolve("nolabels.csv");
    List<String> lines = Files.readAllLines(csv("few2.csv", few, 64, Map.of()));
    List<String> stripped = new ArrayList<>();
    for (String line : lines) {
      stripped.add(line.substring(0, line.lastIndexOf(',')));
    }
    Files.write(noLabels, stripped);
    fails(
        "{}",
        "digits-mlp",
        noLabels,
        "the data set has no labels: give a CSV column named \"label\" or IDX labels");
    fails(
        "{}",
        "digits-cnn",
        csv("narrow.csv", few, 63, Map.of()),
        "the data set has 63 feature columns besides \"label\", the model takes 64 inputs");
    fails(
        "{}",
        "digits-mlp",
        csv("badlabel.csv", few, 64, Map.of(2, "10")),
        "data row 3: label \"10\" is not one of the model's labels (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)");
    Path data = csv("ok.csv", few, 64, Map.of());
    fails(
        "{\"epsilons\": [1.5]}",
        "digits-mlp",
        data,
        "epsilon must be in [0, 1.0] (the input range is [0.0, 1.0]), got 1.5");
    fails(
        "{\"epsilons\": [-0.1]}",
        "digits-mlp",
        data,
        "epsilon must be in [0, 1.0] (the input range is [0.0, 1.0]), got -0.1");
    fails(
        "{\"noise\": [0.1, -0.2]}", "digits-mlp", data, "noise σ must be finite and ≥ 0, got -0.2");
    fails(
        "{\"corruptions\": [\"fog\"]}",
        "digits-cnn",
        data,
        "unknown corruption \"fog\"; known: gaussian_noise, shot_noise, impulse_noise,"
            + " gaussian_blur, contrast, brightness, pixelate, jpeg");
    fails("{\"severities\": [0]}", "digits-cnn", data, "severity must be an integer 1..5, got 0");
    fails("{\"severities\": [6]}", "digits-cnn", data, "severity must be an integer 1..5, got 6");
    fails(
        "{\"fooling\": {\"generations\": 0}}",
        "digits-mlp",
        data,
        "fooling generations must be an integer 1..10000, got 0");
    fails(
        "{\"fooling\": {\"population\": 1}}",
        "digits-mlp",
        data,
        "fooling population must be an integer 2..1000, got 1");
    fails(
        "{\"fooling\": {\"generations\": 200, \"population\": 1000}}",
        "digits-mlp",
        data,
        "fooling needs at most 200000 model evaluations, population × (generations + 1);"
            + " 1000 × 201 is 201000");
    fails(
        "{\"fooling\": {\"generations\": 1e12}}",
        "digits-mlp",
        data,
        "fooling generations must be an integer 1..10000, got 1.0E12");
    fails(
        "{\"fooling\": {\"generations\": 99999999999}}",
        "digits-mlp",
        data,
        "fooling generations must be an integer 1..10000, got 99999999999");
    fails(
        "{\"fooling\": {\"steps\": 3}}",
        "digits-mlp",
        data,
        "unknown fooling parameter \"steps\"; fooling takes generations, population");
    fails(
        "{\"fooling\": true}",
        "digits-mlp",
        data,
        "fooling must be an object {\"generations\": …, \"population\": …}, got true");
    fails("{\"pgdSteps\": 0}", "digits-mlp", data, "pgdSteps must be an integer 1..1000, got 0");
    fails(
        "{\"squareQueries\": 20000}",
        "digits-mlp",
        data,
        "squareQueries must be an integer 1..10000, got 20000");
    fails("{\"squareP\": 0}", "digits-mlp", data, "squareP must be a number in (0, 1], got 0.0");
    fails("{\"blackBox\": 1}", "digits-mlp", data, "blackBox must be true or false, got 1");
    fails(
        "{\"epsilon\": [0.1]}",
        "digits-mlp",
        data,
        "unknown parameter \"epsilon\"; robustness takes benchmark, blackBox, corruptions, epsilons,"
            + " fooling, noise, pgdStepSize, pgdSteps, randomStart, severities, squareP,"
            + " squareQueries");
  }

  @Test
  void foolingFindsConfidentInputsFarFromTheData() throws Exception {
    RecordingProgress progress = new RecordingProgress();
    JsonNode report =
        run("{\"noise\": [], \"epsilons\": [], \"fooling\": {}}", "digits-mlp", testCsv, progress);
    System.out.println("digits-mlp fooling: " + report.get("fooling"));
    assertThat(new SpecValidator().validateRobustnessReport(report)).isEmpty();
    JsonNode fooling = report.get("fooling");
    assertThat(fooling.get("classesFooled").asInt()).isEqualTo(10);
    assertThat(fooling.get("target").asDouble()).isEqualTo(0.99);
    int run = fooling.get("generationsRun").asInt();
    assertThat(run).isBetween(1, Fooling.DEFAULT_GENERATIONS);
    assertThat(fooling.get("evaluations").asLong())
        .isEqualTo((long) Fooling.DEFAULT_POPULATION * (run + 1));
    double typical = fooling.get("typicalNearestDistance").asDouble();
    assertThat(typical).isPositive();
    JsonNode perClass = fooling.get("perClass");
    assertThat(perClass).hasSize(10);
    for (int c = 0; c < 10; c++) {
      JsonNode entry = perClass.get(c);
      assertThat(entry.get("label").asText()).isEqualTo(Integer.toString(c));
      assertThat(entry.get("fooled").asBoolean()).isTrue();
      assertThat(entry.get("bestConfidence").asDouble()).isBetween(0.99, 1.0);
      assertThat(entry.get("generations").asInt()).isBetween(0, run);
      // Real test digits are at most about twice the typical distance from each other.
      assertThat(entry.get("distanceRatio").asDouble()).isGreaterThan(2.5);
      assertThat(entry.get("nearestDistance").asDouble())
          .isCloseTo(entry.get("distanceRatio").asDouble() * typical, within(1e-9));
    }
    assertThat(progress.messages).anyMatch(m -> m.startsWith("fooling: generation 1 of at most"));
    assertThat(progress.fractions).isSorted();
  }

  @Test
  void foolingRunsOnOnnxModels() throws Exception {
    ObjectNode spec = (ObjectNode) Fixtures.json("digits-mlp/spec.json");
    ((ObjectNode) spec.get("model")).put("format", "onnx");
    JobContext context =
        new JobContext(
            "job-onnx",
            SpecDocuments.mapper().readTree("{\"noise\": [], \"fooling\": {\"generations\": 50}}"),
            SpecDocuments.parse(spec),
            spec,
            Fixtures.path("digits-mlp/model.onnx"),
            Map.of(),
            Optional.of(testCsv),
            Optional.empty(),
            Files.createTempDirectory(dir, "work"),
            "cpu",
            new RecordingProgress());
    JsonNode report = new RobustnessHandler().run(context).report();
    assertThat(report.get("fgsm")).isEmpty();
    assertThat(report.get("fooling").get("classesFooled").asInt()).isEqualTo(10);
  }

  /** The job on {@code model} with {@code spec}, on the bundled digits test rows. */
  static JsonNode runOn(JsonNode spec, Path model, String params) throws Exception {
    JobContext context =
        new JobContext(
            "job-format",
            SpecDocuments.mapper().readTree(params),
            SpecDocuments.parse(spec),
            spec,
            model,
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Files.createTempDirectory(dir, "work"),
            "cpu",
            new RecordingProgress());
    JsonNode report = new RobustnessHandler().run(context).report();
    assertThat(new SpecValidator().validateRobustnessReport(report)).isEmpty();
    return report;
  }

  /** The digits spec with another model. */
  static ObjectNode digitsSpec(String format, JsonNode architecture) {
    ObjectNode spec = Fixtures.json("digits-mlp/spec.json").deepCopy();
    ObjectNode model = spec.putObject("model").put("format", format);
    if (architecture != null) {
      model.set("architecture", architecture);
    }
    return spec;
  }

  @Test
  void onnxModelsGetTheBlackBoxAttack() throws Exception {
    JsonNode report =
        runOn(
            digitsSpec("onnx", null),
            Fixtures.path("digits-mlp/model.onnx"),
            "{\"benchmark\": \"digits-test\", \"noise\": [], \"epsilons\": [0.1]}");
    System.out.println("digits-mlp ONNX robustness: " + report);
    assertThat(report.get("clean").get("accuracy").asDouble()).isCloseTo(0.9167, within(5e-5));
    assertThat(report.get("fgsm")).isEmpty();
    assertThat(report.get("pgd")).isEmpty();
    JsonNode attacks = report.get("attacks");
    assertThat(attacks.get(0).get("ran").asBoolean()).isFalse();
    assertThat(attacks.get(0).get("reason").asText())
        .isEqualTo("no gradients through an ONNX graph: ONNX Runtime runs inference only");
    assertThat(attacks.get(2).get("name").asText()).isEqualTo("square");
    assertThat(attacks.get(2).get("ran").asBoolean()).isTrue();
    JsonNode square = report.get("blackBox").get(0);
    assertThat(square.get("epsilon").asDouble()).isEqualTo(0.1);
    assertThat(square.get("queries").asInt()).isEqualTo(SquareAttack.DEFAULT_QUERIES);
    assertThat(square.get("p").asDouble()).isEqualTo(SquareAttack.DEFAULT_P);
    // The TorchScript twin gives 144/360 (SquareAttackTest); PGD there 141/360.
    assertThat(square.get("accuracy").asDouble()).isCloseTo(144 / 360.0, within(2.5 / 360));
    assertThat(square.get("meanQueries").asDouble()).isBetween(1.0, 300.0);
  }

  @Test
  void distilledStudentsAreAttackedWithOrWithoutGradients(@TempDir Path students) throws Exception {
    Fixtures.Digits train = Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS);
    DistillationResult mlp;
    DistillationResult gbdt;
    try (Teacher teacher =
        Teacher.load(
            Fixtures.path("digits-mlp/model.pt"),
            ModelFormat.TORCHSCRIPT,
            InputShape.table(64),
            10)) {
      mlp =
          Distillation.builder()
              .setTeacher(teacher)
              .setTransferSet(train.pixels(), train.labels())
              .setStudent(new StudentSpec.Mlp(List.of(32)))
              .setOutputDirectory(students.resolve("mlp"))
              .optEpochs(5)
              .build()
              .run();
      gbdt =
          Distillation.builder()
              .setTeacher(teacher)
              .setTransferSet(train.pixels(), train.labels())
              .setStudent(new StudentSpec.Gbdt(20, 3, false))
              .setOutputDirectory(students.resolve("gbdt"))
              .build()
              .run();
    }
    String params =
        "{\"benchmark\": \"digits-test\", \"noise\": [], \"epsilons\": [0.1],"
            + " \"blackBox\": true, \"squareQueries\": 100}";
    JsonNode network = runOn(digitsSpec("djl", mlp.architecture()), mlp.artifact(), params);
    System.out.println("distilled mlp [32] robustness: " + network);
    double clean = network.get("clean").get("accuracy").asDouble();
    assertThat(clean).isGreaterThan(0.8);
    assertThat(network.get("attacks").get(1).get("reason").asText())
        .isEqualTo("white-box: input gradients of the cross-entropy through the djl model");
    assertThat(network.get("attacks").get(2).get("reason").asText())
        .isEqualTo("asked for (blackBox: true), next to FGSM and PGD");
    assertThat(network.get("pgd").get(0).get("accuracy").asDouble()).isLessThan(clean - 0.2);
    assertThat(network.get("blackBox").get(0).get("accuracy").asDouble()).isLessThan(clean - 0.1);
    assertThat(network.get("blackBox").get(0).get("queries").asInt()).isEqualTo(100);

    JsonNode trees = runOn(digitsSpec("xgboost", gbdt.architecture()), gbdt.artifact(), params);
    System.out.println("distilled gbdt robustness: " + trees);
    double treesClean = trees.get("clean").get("accuracy").asDouble();
    assertThat(treesClean).isGreaterThan(0.7);
    assertThat(trees.get("fgsm")).isEmpty();
    assertThat(trees.get("attacks").get(0).get("reason").asText())
        .startsWith("no gradients through boosted trees");
    assertThat(trees.get("attacks").get(2).get("ran").asBoolean()).isTrue();
    assertThat(trees.get("blackBox").get(0).get("accuracy").asDouble())
        .isLessThan(treesClean - 0.1);
  }

  static final Path DIABETES_TEST = Fixtures.path("data/diabetes-test.csv.gz");

  /** The job on the diabetes regressor in {@code format}, on its 89 test rows. */
  static JsonNode diabetes(String format, String params, RecordingProgress progress)
      throws Exception {
    ObjectNode spec = Fixtures.json("diabetes-mlp/spec.json").deepCopy();
    ((ObjectNode) spec.get("model")).put("format", format);
    JobContext context =
        new JobContext(
            "job-regression",
            SpecDocuments.mapper().readTree(params),
            SpecDocuments.parse(spec),
            spec,
            Fixtures.path(
                format.equals("onnx") ? "diabetes-mlp/model.onnx" : "diabetes-mlp/model.pt"),
            Map.of(),
            Optional.of(DIABETES_TEST),
            Optional.empty(),
            Files.createTempDirectory(dir, "work"),
            "cpu",
            progress);
    JsonNode report = new RobustnessHandler().run(context).report();
    assertThat(new SpecValidator().validateRobustnessReport(report)).isEmpty();
    return report;
  }

  @Test
  void aRegressorsErrorGrowsUnderNoiseAndAttacks() throws Exception {
    RecordingProgress progress = new RecordingProgress();
    JsonNode report = diabetes("torchscript", "{\"blackBox\": true}", progress);
    System.out.println("diabetes-mlp robustness: " + report);
    JsonNode expected = Fixtures.json("diabetes-mlp/expected.json").get("test");
    JsonNode reference = Fixtures.json("diabetes-mlp/attacks.json");

    assertThat(report.get("task").asText()).isEqualTo("regression");
    assertThat(report.get("data").toString()).isEqualTo("{\"rows\":89}");
    JsonNode clean = report.get("clean");
    for (String metric : new String[] {"mae", "rmse", "r2"}) {
      assertThat(clean.get(metric).asDouble())
          .as(metric)
          .isCloseTo(expected.get(metric).asDouble(), within(1e-4));
    }
    assertThat(clean.has("accuracy") || clean.has("ece")).isFalse();
    double cleanRmse = clean.get("rmse").asDouble();

    // σ in input units: a tenth, a quarter and half a standard deviation of the features; the
    // error of 10 draws pooled grows with σ.
    JsonNode noise = report.get("noise");
    assertThat(noise).extracting(n -> n.get("sigma").asDouble()).containsExactly(0.1, 0.25, 0.5);
    assertThat(noise).extracting(n -> n.get("draws").asInt()).containsOnly(10);
    assertThat(noise.get(2).get("rmse").asDouble())
        .isGreaterThan(noise.get(1).get("rmse").asDouble() + 2)
        .isGreaterThan(cleanRmse + 4);
    assertThat(noise.get(1).get("rmse").asDouble()).isGreaterThan(cleanRmse);

    JsonNode fgsm = report.get("fgsm");
    JsonNode pgd = report.get("pgd");
    JsonNode square = report.get("blackBox");
    assertThat(fgsm).extracting(n -> n.get("epsilon").asDouble()).containsExactly(0.05, 0.1, 0.2);
    double previous = cleanRmse;
    for (int i = 0; i < 3; i++) {
      double f = fgsm.get(i).get("rmse").asDouble();
      double p = pgd.get(i).get("rmse").asDouble();
      double b = square.get(i).get("rmse").asDouble();
      assertThat(f).as("FGSM ε=%s", fgsm.get(i).get("epsilon")).isGreaterThan(cleanRmse);
      assertThat(p).as("PGD ε=%s", pgd.get(i).get("epsilon")).isGreaterThanOrEqualTo(f);
      assertThat(b).as("Square ε=%s", square.get(i).get("epsilon")).isGreaterThan(cleanRmse);
      // The error grows with ε.
      assertThat(p).isGreaterThan(previous);
      previous = p;
      // PyTorch on the same rows (fixtures/make_regression_attack_reference.py).
      assertThat(f).isCloseTo(reference.get("fgsm").get(i).get("rmse").asDouble(), within(1e-3));
      assertThat(p).isCloseTo(reference.get("pgd").get(i).get("rmse").asDouble(), within(1e-3));
      assertThat(pgd.get(i).get("steps").asInt()).isEqualTo(10);
      assertThat(square.get(i).get("queries").asInt()).isEqualTo(300);
      assertThat(square.get(i).get("meanQueries").asDouble()).isEqualTo(300.0);
    }
    assertThat(report.get("attacks").toString())
        .isEqualTo(
            "[{\"name\":\"fgsm\",\"ran\":true,\"reason\":\"white-box: input gradients of the"
                + " squared error through the torchscript model\"},{\"name\":\"pgd\",\"ran\":true,"
                + "\"reason\":\"white-box: input gradients of the squared error through the"
                + " torchscript model\"},{\"name\":\"square\",\"ran\":true,\"reason\":\"asked for"
                + " (blackBox: true), next to FGSM and PGD\"}]");
    assertThat(report.get("corruptions")).isEmpty();
    assertThat(report.get("skipped"))
        .extracting(n -> n.get("name").asText())
        .containsExactly("corruptions", "calibration", "fooling");
    assertThat(report.get("skipped").get(0).get("reason").asText())
        .endsWith("are image operations; this learnware's inputs are a table");
    assertThat(report.has("fooling")).isFalse();
    assertThat(progress.fractions).isSorted();
    assertThat(progress.fractions.getLast()).isEqualTo(1.0);
    assertThat(progress.messages)
        .contains("clean error", "PGD ε=0.2")
        .anyMatch(m -> m.equals("Square Attack ε=0.1: query 300 of 300 on 89 rows"));
    // The job reads the rows from the CSV and reports what the engine finds on them.
    assertThat(report).isEqualTo(RobustnessTest.diabetes((done, stages, message) -> {}).toJson());
  }

  @Test
  void anOnnxRegressorGetsTheBlackBoxAttackAndTheSameCleanErrors() throws Exception {
    JsonNode onnx =
        diabetes("onnx", "{\"noise\": [0.5], \"epsilons\": [0.1]}", new RecordingProgress());
    JsonNode torchScript =
        diabetes(
            "torchscript",
            "{\"noise\": [0.5], \"epsilons\": [0.1], \"blackBox\": true}",
            new RecordingProgress());
    System.out.println("diabetes-mlp ONNX robustness: " + onnx);
    for (String metric : new String[] {"mae", "rmse", "r2"}) {
      assertThat(onnx.get("clean").get(metric).asDouble())
          .as(metric)
          .isCloseTo(torchScript.get("clean").get(metric).asDouble(), within(1e-4));
      assertThat(onnx.at("/noise/0/" + metric).asDouble())
          .isCloseTo(torchScript.at("/noise/0/" + metric).asDouble(), within(1e-4));
    }
    assertThat(onnx.get("fgsm")).isEmpty();
    assertThat(onnx.get("pgd")).isEmpty();
    assertThat(onnx.at("/attacks/0/reason").asText())
        .isEqualTo("no gradients through an ONNX graph: ONNX Runtime runs inference only");
    assertThat(onnx.at("/attacks/2/reason").asText())
        .isEqualTo(
            "score-based black-box attack in place of FGSM and PGD, which need input gradients");
    double square = onnx.at("/blackBox/0/rmse").asDouble();
    assertThat(square).isGreaterThan(onnx.at("/clean/rmse").asDouble() + 9);
    // The same search on both formats; without gradients within 0.1 of PGD.
    assertThat(square).isCloseTo(torchScript.at("/blackBox/0/rmse").asDouble(), within(1e-3));
    assertThat(square).isCloseTo(torchScript.at("/pgd/0/rmse").asDouble(), within(0.1));
  }

  @Test
  void regressorsGetClearReasons() throws Exception {
    RecordingProgress progress = new RecordingProgress();
    assertThatThrownBy(() -> diabetes("torchscript", "{\"fooling\": {}}", progress))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "fooling is a test of classifiers only: it searches for inputs that a class gets with"
                + " 99% confidence, and a regressor has no classes");
    assertThatThrownBy(() -> regressor(null, "regression", 1, "{\"benchmark\": \"digits-test\"}"))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "the benchmark set \"digits-test\" (the 360 test rows (1437..1796) of scikit-learn's"
                + " digits: tables of 64 pixels scaled to 0..1, labels 0..9) does not fit this"
                + " learnware: the data set has 64 feature columns besides \"label\", the model"
                + " takes 10 inputs");
    Path words = dir.resolve("words.csv");
    Files.writeString(words, "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,label\n0,0,0,0,0,0,0,0,0,0,high\n");
    assertThatThrownBy(() -> regressor(words, "regression", 1, "{}"))
        .isInstanceOf(JobFailure.class)
        .hasMessage("data row 1: the target \"high\" is not a finite number");
    Path unlabelled = dir.resolve("unlabelled.csv");
    Files.writeString(unlabelled, "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n0,0,0,0,0,0,0,0,0,0\n");
    assertThatThrownBy(() -> regressor(unlabelled, "regression", 1, "{}"))
        .isInstanceOf(JobFailure.class)
        .hasMessage("the data set has no targets: give the CSV a numeric column named \"label\"");
    assertThatThrownBy(() -> regressor(DIABETES_TEST, "regression", 2, "{}"))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "robustness is measured for regressors with one output (a data set has one target"
                + " column); this one has 2");
    assertThatThrownBy(() -> regressor(DIABETES_TEST, "detection", 1, "{}"))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "robustness is measured for classifiers and regressors; this learnware's task is"
                + " detection");
  }

  @Test
  void anImageRegressorGetsTheCorruptions() throws Exception {
    // digits-value: the expected digit under digits-cnn's probabilities; the labels as targets.
    JsonNode report =
        run(
            "{\"noise\": [0.1], \"epsilons\": [0.1], \"severities\": [1, 5]}",
            "digits-value",
            testCsv,
            new RecordingProgress());
    System.out.println("digits-value robustness: " + report);
    assertThat(new SpecValidator().validateRobustnessReport(report)).isEmpty();
    JsonNode expected = Fixtures.json("digits-value/expected.json").get("test");
    double clean = report.at("/clean/rmse").asDouble();
    assertThat(clean).isCloseTo(expected.get("rmse").asDouble(), within(1e-4));
    assertThat(report.at("/clean/r2").asDouble())
        .isCloseTo(expected.get("r2").asDouble(), within(1e-4));
    assertThat(report.at("/pgd/0/rmse").asDouble()).isGreaterThan(clean + 1);
    JsonNode corruptions = report.get("corruptions");
    assertThat(corruptions).hasSize(Corruption.values().length * 2);
    int worse = 0;
    for (JsonNode entry : corruptions) {
      assertThat(entry.has("accuracy")).isFalse();
      if (entry.get("severity").asInt() == 5) {
        worse += entry.get("rmse").asDouble() > clean ? 1 : 0;
      }
    }
    // As for digits-cnn's accuracy: every corruption at severity 5 hurts.
    assertThat(worse).isEqualTo(Corruption.values().length);
    assertThat(report.get("skipped"))
        .extracting(n -> n.get("name").asText())
        .containsExactly("calibration", "fooling");
  }

  /** The job on the diabetes model with another task or output dimension. */
  private static JsonNode regressor(Path dataset, String task, int outputs, String params)
      throws Exception {
    ObjectNode spec = Fixtures.json("diabetes-mlp/spec.json").deepCopy();
    spec.put("task", task);
    ObjectNode output = spec.putObject("output").put("dimension", outputs);
    if (outputs > 1) {
      output.putArray("labels").add("progression").add("log variance");
    } else {
      output.putArray("labels").add("progression");
    }
    JobContext context =
        new JobContext(
            "job-regression",
            SpecDocuments.mapper().readTree(params),
            SpecDocuments.parse(spec),
            spec,
            Fixtures.path("diabetes-mlp/model.pt"),
            Map.of(),
            Optional.ofNullable(dataset),
            Optional.empty(),
            Files.createTempDirectory(dir, "work"),
            "cpu",
            new RecordingProgress());
    return new RobustnessHandler().run(context).report();
  }

  @Test
  void tablesSkipCorruptions() throws Exception {
    JsonNode report =
        run(
            "{\"noise\": [], \"epsilons\": [], \"corruptions\": \"all\"}",
            "digits-mlp",
            csv("small.csv", Fixtures.digits(1437, 1537), 64, Map.of()),
            new RecordingProgress());
    assertThat(report.get("corruptions")).isEmpty();
    assertThat(report.get("fgsm")).isEmpty();
    assertThat(report.get("pgd")).isEmpty();
    assertThat(report.get("noise")).isEmpty();
    assertThat(report.has("fooling")).isFalse();
  }
}
