package io.learnware.worker.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.rkme.RealData;
import io.learnware.worker.Diabetes;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Models;
import io.learnware.worker.RecordingProgress;
import io.learnware.worker.distill.DistillHandler;
import io.learnware.worker.job.JobCancelledException;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transfer job: sources, data sets, parameters, the new version's spec and report. */
class TransferHandlerTest {

  @TempDir Path dir;

  /** The Fashion-MNIST CNN's specification, as its owner uploaded it. */
  private static ObjectNode fashionSpec() {
    return (ObjectNode) Fixtures.json("fashion-cnn/spec.json");
  }

  /** Rows as IDX images and, when {@code withLabels}, IDX labels (the Fashion-MNIST classes). */
  private Path[] idx(FashionTransfer.Task task, boolean withLabels) throws IOException {
    Path images =
        Files.write(Files.createTempFile(dir, "images", ".idx"), RealData.idxImages(task.x()));
    int[] original = new int[task.labels().length];
    for (int i = 0; i < original.length; i++) {
      original[i] = FashionTransfer.NEW_CLASSES.get(task.labels()[i]);
    }
    Path labels =
        Files.write(Files.createTempFile(dir, "labels", ".idx"), RealData.idxLabels(original));
    return new Path[] {images, withLabels ? labels : null};
  }

  private JobContext context(
      String params,
      JsonNode spec,
      Path model,
      Map<String, Path> files,
      Path dataset,
      Path labels,
      JobProgress progress)
      throws IOException {
    LearnwareSpec source = SpecDocuments.parse(spec);
    return new JobContext(
        "job-1",
        SpecDocuments.mapper().readTree(params),
        source,
        spec,
        model,
        files,
        Optional.ofNullable(dataset),
        Optional.ofNullable(labels),
        Files.createTempDirectory(dir, "work"),
        "cpu",
        progress);
  }

  private JobOutcome runFashion(String params, Path[] data, JobProgress progress) throws Exception {
    return new TransferHandler()
        .run(
            context(
                params,
                fashionSpec(),
                Fixtures.path("fashion-cnn/model.pt"),
                Map.of("features.pt", FashionTransfer.extractor()),
                data[0],
                data[1],
                progress));
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(JobHandler.class).stream().map(p -> p.get().type()))
        .contains("transfer");
  }

  @Test
  void transfersTheFashionCnnToClassesItNeverSaw() throws Exception {
    RecordingProgress progress = new RecordingProgress();
    JobOutcome outcome =
        runFashion(
            "{\"validationSplit\": 0.5, \"seed\": 7, \"labels\": [\"Sandal\", \"Shirt\","
                + " \"Sneaker\", \"Bag\", \"Ankle boot\"]}",
            idx(FashionTransfer.split(200)[0], true),
            progress);

    JsonNode report = outcome.report();
    assertThat(report.get("accuracy").asDouble())
        .isGreaterThan(report.get("baselineAccuracy").asDouble());
    // A linear head on the frozen extractor is solved, its penalty cross-validated on all 1,000
    // rows: validationSplit applies only from 2,000 rows on.
    assertThat(report.get("solver").asText()).isEqualTo("lbfgs");
    assertThat(report.get("validation").asText()).isEqualTo("5-fold cross-validation");
    assertThat(report.get("trainRows").asInt()).isEqualTo(1000);
    assertThat(report.get("solve").get("path").size()).isBetween(3, 9);
    assertThat(report.get("solve").get("converged").asBoolean()).isTrue();
    assertThat(report.has("history")).isFalse();
    assertThat(report.has("learningRate")).isFalse();
    assertThat(progress.messages)
        .contains(
            "reading the data set",
            "computing the backbone's features",
            "solving the new head (L-BFGS): penalty 1/9 (λ 10000), fold 1/5",
            "solving the baseline head on raw inputs (L-BFGS): penalty 1/9 (λ 10000), fold 1/5",
            "summarising the new data set (RKME)");
    assertThat(progress.fractions).isSorted();

    JsonNode spec = outcome.resultSpec().orElseThrow();
    assertThat(new SpecValidator().validate(spec)).isEmpty();
    assertThat(spec.get("description").asText())
        .startsWith(
            "Transfer learning from the learnware \"Fashion-MNIST tops CNN\": its feature"
                + " extractor, kept frozen, with a new linear head solved (multinomial logistic"
                + " regression, its L2 penalty chosen by 5-fold cross-validation) on 1000 labelled"
                + " rows of a new task (classes Sandal, Shirt, Sneaker, Bag, Ankle boot)."
                + " Cross-validated on them, it is right for ");
    assertThat(spec.get("name").asText())
        .isEqualTo("Fashion-MNIST tops CNN (transferred: Sandal, Shirt, Sneaker, Bag, Ankle boot)");
    assertThat(spec.at("/output/dimension").asInt()).isEqualTo(5);
    assertThat(spec.at("/output/labels/4").asText()).isEqualTo("Ankle boot");
    assertThat(spec.at("/model/format").asText()).isEqualTo("djl");
    assertThat(spec.at("/model/architecture/backbone/type").asText()).isEqualTo("torchscript");
    assertThat(spec.at("/model/featureExtractor").isMissingNode()).isTrue();
    assertThat(spec.at("/statistical/featureMap/type").asText())
        .isEqualTo("image-sign-projection-v1");
    assertThat(spec.at("/statistical/numPoints").asInt()).isEqualTo(1000);
    assertThat(spec.get("tags").toString()).contains("\"transferred\"");

    // The new version loads the way the market loads its own models, e.g. as a distill teacher.
    LearnwareSpec parsed = SpecDocuments.parse(spec);
    FashionTransfer.Task heldOut = FashionTransfer.split(200)[1];
    try (var model =
        Models.load(
            outcome.resultModel().orElseThrow(),
            parsed.model().format(),
            parsed.model().architecture(),
            InputShape.of(parsed),
            5)) {
      double accuracy =
          FashionTransfer.accuracy(
              model.predict(heldOut.x().toFloatArray(), heldOut.labels().length), heldOut.labels());
      assertThat(accuracy).isGreaterThan(0.9);
    }
  }

  @Test
  void aNetworkTheMarketBuiltIsTransferredByReplacingItsLastLayer() throws Exception {
    // A digits MLP distilled by the market, then reused to tell even digits from odd ones.
    Path csv = digitsCsv(Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS), true);
    ObjectNode teacher = (ObjectNode) Fixtures.json("digits-mlp/spec.json");
    JobOutcome distilled =
        new DistillHandler()
            .run(
                context(
                    "{\"student\": {\"type\": \"mlp\", \"hidden\": [32]}, \"epochs\": 10}",
                    teacher,
                    Fixtures.path("digits-mlp/model.pt"),
                    Map.of(),
                    csv,
                    null,
                    new RecordingProgress()));
    JsonNode studentSpec = distilled.resultSpec().orElseThrow();

    JobOutcome outcome =
        new TransferHandler()
            .run(
                context(
                    "{\"head\": {\"hidden\": 8}, \"freezeBackbone\": false, \"epochs\": 20}",
                    studentSpec,
                    distilled.resultModel().orElseThrow(),
                    Map.of(),
                    digitsCsv(Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS), false),
                    null,
                    new RecordingProgress()));
    JsonNode report = outcome.report();
    assertThat(report.get("classes").toString()).isEqualTo("[\"even\",\"odd\"]");
    assertThat(report.get("freezeBackbone").asBoolean()).isFalse();
    // The 64 → 32 layer is fine-tuned and an 8-unit head replaces 32 → 10.
    assertThat(report.get("trainableParameters").asLong())
        .isEqualTo(64 * 32 + 32 + 32 * 8 + 8 + 8 * 2 + 2);
    assertThat(report.get("accuracy").asDouble()).isGreaterThan(0.9);
    JsonNode spec = outcome.resultSpec().orElseThrow();
    assertThat(new SpecValidator().validate(spec)).isEmpty();
    assertThat(spec.at("/model/architecture").toString())
        .isEqualTo(
            "{\"type\":\"transfer\",\"backbone\":{\"type\":\"mlp\",\"hidden\":[32]},"
                + "\"head\":{\"hidden\":8}}");

    // Kept frozen with a linear head, the same backbone's 32 features are solved for instead.
    Path evenOdd = digitsCsv(Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS), false);
    JobOutcome solved =
        new TransferHandler()
            .run(
                context(
                    "{}",
                    studentSpec,
                    distilled.resultModel().orElseThrow(),
                    Map.of(),
                    evenOdd,
                    null,
                    new RecordingProgress()));
    JsonNode solvedReport = solved.report();
    assertThat(solvedReport.get("solver").asText()).isEqualTo("lbfgs");
    assertThat(solvedReport.get("featureDimension").asInt()).isEqualTo(32);
    assertThat(solvedReport.get("trainableParameters").asLong()).isEqualTo(33 * 2);
    assertThat(solvedReport.get("accuracy").asDouble()).isGreaterThan(0.9);
    JsonNode solvedSpec = solved.resultSpec().orElseThrow();
    LearnwareSpec parsed = SpecDocuments.parse(solvedSpec);
    Fixtures.Digits test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, 1797);
    int[] parity = java.util.Arrays.stream(test.labels()).map(l -> l % 2).toArray();
    try (RunnableModel model =
        ModelRuntime.load(
            ModelSource.forSpec(parsed, solved.resultModel().orElseThrow()).build())) {
      // Even before odd: the labels sorted. On the 360 test rows (0.89 here; chance is 0.5).
      double accuracy =
          FashionTransfer.accuracy(
              model.predict(test.pixels().toFloatArray(), parity.length), parity);
      assertThat(accuracy).isGreaterThan(0.85);
    }
  }

  /** Digits rows as a CSV; labels are the digit, or "even"/"odd" when {@code digit} is false. */
  private Path digitsCsv(Fixtures.Digits rows, boolean digit) throws IOException {
    Path file = Files.createTempFile(dir, "digits", ".csv");
    try (OutputStream out = Files.newOutputStream(file)) {
      StringJoiner header = new StringJoiner(",", "", "\n");
      for (int c = 0; c < 64; c++) {
        header.add("p" + c);
      }
      header.add("label");
      out.write(header.toString().getBytes());
      for (int r = 0; r < rows.labels().length; r++) {
        StringJoiner line = new StringJoiner(",", "", "\n");
        for (int c = 0; c < 64; c++) {
          line.add(Double.toString(rows.pixels().get(r, c)));
        }
        int label = rows.labels()[r];
        line.add(digit ? Integer.toString(label) : label % 2 == 0 ? "even" : "odd");
        out.write(line.toString().getBytes());
      }
    }
    return file;
  }

  @Test
  void badJobsFailWithClearReasonsAndWriteNothing() throws Exception {
    Path[] data = idx(FashionTransfer.split(4)[0], true);
    RecordingProgress progress = new RecordingProgress();
    assertThatThrownBy(() -> runFashion("{\"epoch\": 3}", data, progress))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("unknown parameter \"epoch\"; transfer takes backboneLearningRate");
    assertThatThrownBy(() -> runFashion("{\"epochs\": 0}", data, progress))
        .isInstanceOf(JobFailure.class)
        .hasMessage("epochs must be 1..1000, got 0");
    assertThatThrownBy(() -> runFashion("{\"head\": {\"hidden\": -1}}", data, progress))
        .isInstanceOf(JobFailure.class)
        .hasMessage("head.hidden must be 0 (a linear head) to 4096, got -1");
    assertThatThrownBy(() -> runFashion("{\"labels\": [\"a\"]}", data, progress))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "labels must be a list of 5 names, one for each label in the data set (5, 6, 7, 8, 9,"
                + " in that order)");
    assertThatThrownBy(() -> runFashion("{}", new Path[] {data[0], null}, progress))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "the data set has no labels: give a CSV a \"label\" column, or IDX images their labels"
                + " file");
    assertThatThrownBy(() -> runFashion("{}", new Path[] {null, null}, progress))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("a transfer needs a labelled data set of the new task");
    // A source without a feature extractor that the market did not build.
    ObjectNode noExtractor = fashionSpec();
    ((ObjectNode) noExtractor.get("model")).remove("featureExtractor");
    assertThatThrownBy(
            () ->
                new TransferHandler()
                    .run(
                        context(
                            "{}",
                            noExtractor,
                            Fixtures.path("fashion-cnn/model.pt"),
                            Map.of(),
                            data[0],
                            data[1],
                            progress)))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("the source has no feature extractor to transfer");
    // Digits data for a 28×28 image source.
    assertThatThrownBy(
            () ->
                runFashion(
                    "{}", new Path[] {digitsCsv(Fixtures.digits(0, 20), true), null}, progress))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "the data set has 64 feature columns besides \"label\", the source takes 784 inputs");
  }

  /** The diabetes regressor with its declared feature extractor. */
  private JobOutcome runDiabetes(String params, JsonNode spec, Path model, Path dataset)
      throws Exception {
    return new TransferHandler()
        .run(
            context(
                params,
                spec,
                model,
                Map.of("features.pt", Diabetes.FEATURES),
                dataset,
                null,
                new RecordingProgress()));
  }

  @Test
  void transfersToARegressionTaskWithARidgeHead() throws Exception {
    JobOutcome outcome =
        runDiabetes(
            "{\"task\": \"regression\", \"labels\": [\"progression\"]}",
            Fixtures.json("diabetes-mlp/spec.json"),
            Diabetes.MODEL,
            Diabetes.TRAIN);
    JsonNode report = outcome.report();
    assertThat(report.get("task").asText()).isEqualTo("regression");
    assertThat(report.get("solver").asText()).isEqualTo("ridge");
    assertThat(report.get("target").asText()).isEqualTo("progression");
    assertThat(report.has("accuracy")).isFalse();
    assertThat(report.has("classes")).isFalse();
    assertThat(report.at("/ridge/alpha").asDouble()).isEqualTo(3.16228);
    assertThat(report.at("/baselineRidge/alpha").asDouble()).isEqualTo(31.6228);
    assertThat(report.get("gain").asDouble())
        .isCloseTo(
            report.get("r2").asDouble() - report.get("baselineR2").asDouble(), within(1e-12));

    JsonNode spec = outcome.resultSpec().orElseThrow();
    assertThat(new SpecValidator().validate(spec)).isEmpty();
    assertThat(spec.get("task").asText()).isEqualTo("regression");
    assertThat(spec.get("output").toString())
        .isEqualTo("{\"dimension\":1,\"labels\":[\"progression\"]}");
    assertThat(spec.get("name").asText())
        .isEqualTo("Diabetes progression MLP (transferred: progression)");
    assertThat(spec.get("description").asText())
        .startsWith(
            "Transfer learning from the learnware \"Diabetes progression MLP\": its feature"
                + " extractor, kept frozen, with a new linear head solved (ridge regression in"
                + " closed form, its penalty chosen by 5-fold cross-validation) on 353 labelled rows"
                + " of a new regression task (target progression). Cross-validated on them, its R²"
                + " is 0.551 (RMSE ");
    assertThat(spec.at("/model/architecture/backbone/type").asText()).isEqualTo("torchscript");
    assertThat(spec.at("/statistical/numPoints").asInt()).isEqualTo(Diabetes.TRAIN_ROWS);

    // Loaded from its spec as the market loads it: scikit-learn's test R² (0.560232).
    LearnwareSpec parsed = SpecDocuments.parse(spec);
    Diabetes.Rows test = Diabetes.test();
    try (RunnableModel model =
        ModelRuntime.load(
            ModelSource.forSpec(parsed, outcome.resultModel().orElseThrow()).build())) {
      RegressionMetrics onTest =
          RegressionMetrics.of(model.predict(test.floats(), test.size()), test.y(), 1);
      assertThat(onTest.r2())
          .isCloseTo(Diabetes.expected().at("/transfer/features/testR2").asDouble(), within(0.005));
    }
  }

  @Test
  void aRegressorTheMarketBuiltIsTransferredToARegressionTask() throws Exception {
    // The diabetes MLP distilled by the market into a DJL mlp, whose hidden layer is the backbone.
    JobOutcome distilled =
        new DistillHandler()
            .run(
                context(
                    "{\"student\": {\"type\": \"mlp\", \"hidden\": [16]}, \"epochs\": 100,"
                        + " \"learningRate\": 0.003}",
                    Fixtures.json("diabetes-mlp/spec.json"),
                    Diabetes.MODEL,
                    Map.of(),
                    Diabetes.TRAIN,
                    null,
                    new RecordingProgress()));
    JsonNode studentSpec = distilled.resultSpec().orElseThrow();
    for (String params :
        List.of(
            "{\"task\": \"regression\"}",
            "{\"task\": \"regression\", \"head\": {\"hidden\": 8}, \"seed\": 2}")) {
      JobOutcome outcome =
          runDiabetes(params, studentSpec, distilled.resultModel().orElseThrow(), Diabetes.TRAIN);
      JsonNode report = outcome.report();
      assertThat(report.get("featureDimension").asInt()).isEqualTo(16);
      JsonNode spec = outcome.resultSpec().orElseThrow();
      assertThat(new SpecValidator().validate(spec)).isEmpty();
      // Without a name for the target, the output is named after the data set's column.
      assertThat(spec.at("/output/labels/0").asText()).isEqualTo("label");
      assertThat(spec.at("/model/architecture/backbone").toString())
          .isEqualTo("{\"type\":\"mlp\",\"hidden\":[16]}");
      LearnwareSpec parsed = SpecDocuments.parse(spec);
      Diabetes.Rows test = Diabetes.test();
      try (RunnableModel model =
          ModelRuntime.load(
              ModelSource.forSpec(parsed, outcome.resultModel().orElseThrow()).build())) {
        double r2 =
            RegressionMetrics.of(model.predict(test.floats(), test.size()), test.y(), 1).r2();
        System.out.printf(
            "diabetes mlp [16] student transferred, %s: %s R² %.4f (raw inputs %.4f), test R²"
                + " %.4f%n",
            params,
            report.get("validation").asText(),
            report.get("r2").asDouble(),
            report.get("baselineR2").asDouble(),
            r2);
        // Measured: 0.527 solved, 0.443 for the trained hidden head (validated on 71 rows).
        assertThat(r2).isGreaterThan(0.4);
      }
    }
  }

  @Test
  void regressionJobsThatCannotRunFailWithReasons() throws Exception {
    JsonNode spec = Fixtures.json("diabetes-mlp/spec.json");
    assertThatThrownBy(
            () -> runDiabetes("{\"task\": \"clustering\"}", spec, Diabetes.MODEL, Diabetes.TRAIN))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "task must be \"classification\" or \"regression\" (the new task's), got"
                + " \"clustering\"");
    assertThatThrownBy(
            () ->
                runDiabetes(
                    "{\"task\": \"regression\", \"labels\": [\"a\", \"b\"]}",
                    spec,
                    Diabetes.MODEL,
                    Diabetes.TRAIN))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "labels of a regression task must be a list of one name, the target's (e.g."
                + " [\"progression\"]), got [\"a\",\"b\"]");
    Path words = dir.resolve("words.csv");
    Files.writeString(words, "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,label\n0,0,0,0,0,0,0,0,0,0,high\n");
    assertThatThrownBy(() -> runDiabetes("{\"task\": \"regression\"}", spec, Diabetes.MODEL, words))
        .isInstanceOf(JobFailure.class)
        .hasMessage("data row 1: the target \"high\" is not a finite number");
    Path few = dir.resolve("few.csv");
    Files.writeString(
        few,
        "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,label\n"
            + "0,0,0,0,0,0,0,0,0,0,1\n".repeat(4)
            + "1,0,0,0,0,0,0,0,0,0,2\n".repeat(4));
    assertThatThrownBy(() -> runDiabetes("{\"task\": \"regression\"}", spec, Diabetes.MODEL, few))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "a regression head needs at least 10 rows (5-fold cross-validation); the data set has"
                + " 8");
  }

  @Test
  void stopsWhenCancelled() throws Exception {
    Path[] data = idx(FashionTransfer.split(20)[0], true);
    assertThatThrownBy(() -> runFashion("{}", data, new RecordingProgress(5)))
        .isInstanceOf(JobCancelledException.class);
  }
}
