package io.learnware.worker.reuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.reuse.PublishedEnsemble;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.EnsembleFixtures;
import io.learnware.worker.RecordingProgress;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.model.EnsembleLoader;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.RunnableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reuse job with {@code params.publish}: its result is a published ensemble (ensemble.json and
 * a derived specification) that, loaded through the worker's runtime, answers the job's rows
 * exactly as the report measured the method — for classifiers (digits-low and digits-high on the
 * 360 digits test rows: mean, vote, selector) and regressors (diabetes-sex1 and diabetes-sex2 on
 * the 89 diabetes test rows: mean, selector).
 */
class ReusePublishTest {

  private static final SpecValidator VALIDATOR = new SpecValidator();

  @TempDir Path dir;

  static JobContext context(String params, Path data, Path workDir, List<SourceInputs> members)
      throws Exception {
    SourceInputs first = members.getFirst();
    return new JobContext(
        "job-reuse",
        SpecDocuments.mapper().readTree(params),
        first.spec(),
        first.specDocument(),
        first.model(),
        first.files(),
        Optional.of(data),
        Optional.empty(),
        workDir,
        "cpu",
        new RecordingProgress(),
        members);
  }

  /** The job's result as a version the market made of it, its members downloaded. */
  static SourceInputs version(JobOutcome outcome, List<SourceInputs> members) {
    JsonNode spec = outcome.resultSpec().orElseThrow();
    return new SourceInputs(
        "demo/digits-low-ensemble@1",
        SpecDocuments.parse(spec),
        spec,
        outcome.resultModel().orElseThrow(),
        Map.of(),
        members);
  }

  @Test
  void aPublishedClassifierEnsembleAnswersWhatTheReportMeasured() throws Exception {
    List<SourceInputs> members =
        List.of(EnsembleFixtures.digitsHalf("low"), EnsembleFixtures.digitsHalf("high"));
    Matrix rows =
        CsvTables.read(
                EnsembleFixtures.DIGITS_TEST,
                "label",
                io.learnware.spec.data.ProgressListener.none())
            .features();
    int[] labels =
        CsvTables.read(
                EnsembleFixtures.DIGITS_TEST,
                "label",
                io.learnware.spec.data.ProgressListener.none())
            .labels()
            .stream()
            .mapToInt(Integer::parseInt)
            .toArray();
    for (String method : List.of("mean", "vote", "selector")) {
      JobOutcome outcome =
          new ReuseHandler()
              .run(
                  context(
                      "{\"sources\": [\"demo/digits-high@1\"], \"methods\": [\"mean\"],"
                          + " \"publish\": \"%s\"}".formatted(method),
                      EnsembleFixtures.DIGITS_TEST,
                      Files.createTempDirectory(dir, "work"),
                      members));
      JsonNode report = outcome.report();
      assertThat(report.get("published").toString())
          .isEqualTo(
              "{\"method\":\"%s\",\"members\":[\"demo/digits-low@1\",\"demo/digits-high@1\"]}"
                  .formatted(method));
      // The published method is measured whatever methods were asked for.
      assertThat(report.has(method)).isTrue();
      assertThat(report.has("vote")).isEqualTo(method.equals("vote"));

      Path artifact = outcome.resultModel().orElseThrow();
      assertThat(artifact.getFileName().toString()).isEqualTo("ensemble.json");
      JsonNode document = SpecDocuments.mapper().readTree(artifact.toFile());
      EnsembleManifest manifest = EnsembleManifest.parse(document, VALIDATOR);
      assertThat(manifest.method().jsonName()).isEqualTo(method);
      assertThat(manifest.members())
          .containsExactly(
              new EnsembleManifest.Member(
                  "demo/digits-low", 1, EnsembleLoader.sha256(members.get(0).model())),
              new EnsembleManifest.Member(
                  "demo/digits-high", 1, EnsembleLoader.sha256(members.get(1).model())));
      assertThat(manifest.router() != null).isEqualTo(method.equals("selector"));

      JsonNode spec = outcome.resultSpec().orElseThrow();
      assertThat(VALIDATOR.validate(spec)).isEmpty();
      assertThat(spec.get("model").toString()).isEqualTo("{\"format\":\"ensemble\"}");
      assertThat(spec.get("name").asText())
          .isEqualTo("Ensemble (%s) of demo/digits-low@1, demo/digits-high@1".formatted(method));
      assertThat(spec.get("description").asText())
          .contains("demo/digits-low@1 (\"Digits 0-4 MLP\")")
          .contains(
              "on 360 rows of the requester's data set: it was right for %.1f%% of them"
                  .formatted(100 * report.at("/" + method + "/accuracy").asDouble()));
      assertThat(spec.at("/input/dimension").asInt()).isEqualTo(64);
      assertThat(spec.at("/output/dimension").asInt()).isEqualTo(10);
      // The tags both halves share, not digits-low's "digits-0-4".
      assertThat(spec.get("tags").toString())
          .isEqualTo("[\"digits\",\"handwriting\",\"ensemble\"]");
      assertThat(spec.at("/statistical/z").size()).isPositive();

      try (RunnableModel ensemble =
          ModelRuntime.load(version(outcome, members).modelSource(Device.cpu()))) {
        double[][] out = doubles(ensemble.predict(rows));
        double accuracy = ProbabilisticClassifier.accuracy(out, labels);
        System.out.printf("published %s: accuracy %.4f%n", method, accuracy);
        assertThat(accuracy).isEqualTo(report.at("/" + method + "/accuracy").asDouble());
        int[] counts = new int[10];
        for (int predicted : ProbabilisticClassifier.argmax(out)) {
          counts[predicted]++;
        }
        for (int c = 0; c < 10; c++) {
          assertThat(counts[c])
              .isEqualTo(report.at("/%s/predicted/%d".formatted(method, c)).asInt());
        }
      }
      if (method.equals("selector")) {
        int[] routes = new PublishedEnsemble(manifest).route(rows);
        int toLow = (int) java.util.Arrays.stream(routes).filter(r -> r == 0).count();
        assertThat(report.at("/selector/routed/0/rows").asInt()).isEqualTo(toLow);
        assertThat(report.at("/selector/accuracy").asDouble()).isEqualTo(321 / 360.0);
      }
    }
  }

  @Test
  void aPublishedRegressorEnsembleAnswersWhatTheReportMeasured() throws Exception {
    List<SourceInputs> members =
        List.of(EnsembleFixtures.diabetesSex(1), EnsembleFixtures.diabetesSex(2));
    CsvTables.Table test =
        CsvTables.read(
            EnsembleFixtures.DIABETES_TEST,
            "label",
            io.learnware.spec.data.ProgressListener.none());
    double[] targets = test.labels().stream().mapToDouble(Double::parseDouble).toArray();
    for (String method : List.of("mean", "selector")) {
      JobOutcome outcome =
          new ReuseHandler()
              .run(
                  context(
                      "{\"sources\": [\"demo/diabetes-sex2@1\"], \"publish\": \"%s\"}"
                          .formatted(method),
                      EnsembleFixtures.DIABETES_TEST,
                      Files.createTempDirectory(dir, "work"),
                      members));
      JsonNode report = outcome.report();
      JsonNode measured = report.get(method);
      JsonNode spec = outcome.resultSpec().orElseThrow();
      assertThat(VALIDATOR.validate(spec)).isEmpty();
      assertThat(spec.get("task").asText()).isEqualTo("regression");
      assertThat(spec.get("description").asText())
          .contains(
              method.equals("mean")
                  ? "It answers with the mean of their outputs."
                  : "It answers with the RKME job selector")
          .contains(
              "MAE %.4g, RMSE %.4g"
                  .formatted(measured.get("mae").asDouble(), measured.get("rmse").asDouble()));
      EnsembleManifest manifest =
          EnsembleManifest.parse(
              SpecDocuments.mapper().readTree(outcome.resultModel().orElseThrow().toFile()),
              VALIDATOR);
      assertThat(manifest.task().jsonName()).isEqualTo("regression");

      try (RunnableModel ensemble =
          ModelRuntime.load(version(outcome, members).modelSource(Device.cpu()))) {
        float[][] out = ensemble.predict(test.features());
        ObjectNode again = SpecDocuments.mapper().createObjectNode();
        Measures.regressor(again, doubles(out), targets);
        System.out.printf("published %s: %s%n", method, again);
        assertThat(again.get("mae").asDouble()).isEqualTo(measured.get("mae").asDouble());
        assertThat(again.get("rmse").asDouble()).isEqualTo(measured.get("rmse").asDouble());
        assertThat(again.get("r2").asDouble()).isEqualTo(measured.get("r2").asDouble());
      }
    }
  }

  @Test
  void whatCannotBePublishedIsRefusedWithItsReason() throws Exception {
    List<SourceInputs> bare =
        List.of(EnsembleFixtures.digitsMlp(false), EnsembleFixtures.digitsMlp(true));
    assertThatThrownBy(
            () ->
                new ReuseHandler()
                    .run(
                        context(
                            "{\"publish\": \"selector\"}",
                            EnsembleFixtures.DIGITS_TEST,
                            Files.createTempDirectory(dir, "work"),
                            bare)))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "the selector cannot be published: demo/digits@1 publishes no RKME to route by");
    assertThatThrownBy(
            () ->
                new ReuseHandler()
                    .run(
                        context(
                            "{\"publish\": \"median\"}",
                            EnsembleFixtures.DIGITS_TEST,
                            Files.createTempDirectory(dir, "work"),
                            bare)))
        .isInstanceOf(JobFailure.class)
        .hasMessage("publish must be one of mean, vote, selector, got \"median\"");
    SourceInputs ensemble =
        EnsembleFixtures.publish(dir, EnsembleManifest.Method.MEAN, bare).inputs("demo/twins@1");
    assertThatThrownBy(
            () ->
                new ReuseHandler()
                    .run(
                        context(
                            "{\"publish\": \"mean\"}",
                            EnsembleFixtures.DIGITS_TEST,
                            Files.createTempDirectory(dir, "work"),
                            List.of(bare.getFirst(), ensemble))))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "demo/twins@1 is a published ensemble; a published ensemble pins models, not"
                + " ensembles");
  }

  @Test
  void anEnsembleIsAPlainMemberOfAReuseThatPublishesNothing() throws Exception {
    List<SourceInputs> bare =
        List.of(EnsembleFixtures.digitsMlp(false), EnsembleFixtures.digitsMlp(true));
    SourceInputs ensemble =
        EnsembleFixtures.publish(dir, EnsembleManifest.Method.MEAN, bare).inputs("demo/twins@1");
    JobOutcome outcome =
        new ReuseHandler()
            .run(
                context(
                    "{\"methods\": [\"mean\"]}",
                    EnsembleFixtures.DIGITS_TEST,
                    Files.createTempDirectory(dir, "work"),
                    List.of(EnsembleFixtures.digitsHalf("low"), ensemble)));
    assertThat(outcome.resultSpec()).isEmpty();
    assertThat(outcome.report().at("/single/1/learnware").asText()).isEqualTo("demo/twins@1");
    assertThat(outcome.report().at("/single/1/accuracy").asDouble()).isEqualTo(330 / 360.0);
  }

  static double[][] doubles(float[][] values) {
    double[][] out = new double[values.length][];
    for (int r = 0; r < values.length; r++) {
      out[r] = new double[values[r].length];
      for (int c = 0; c < out[r].length; c++) {
        out[r][c] = values[r][c];
      }
    }
    return out;
  }
}
