package io.learnware.worker.reuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.Fixtures;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.SourceInputs;
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

/**
 * The reuse job on the two halves of the digits (fixtures/digits-low, digits-high), without a
 * market: the members are given as downloaded, the user's data is the 360 test rows.
 */
class ReuseHandlerTest {

  @TempDir static Path dir;
  static Path testCsv;
  static Path unlabelledCsv;

  private static final JobProgress QUIET =
      new JobProgress() {
        @Override
        public void report(double fraction, String message) {}

        @Override
        public boolean cancelled() {
          return false;
        }
      };

  @BeforeAll
  static void writeCsvs() throws Exception {
    Fixtures.Digits test =
        Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    StringBuilder labelled = new StringBuilder();
    StringBuilder unlabelled = new StringBuilder();
    for (int c = 0; c < 64; c++) {
      labelled.append('p').append(c).append(',');
      unlabelled.append(c == 0 ? "" : ",").append('p').append(c);
    }
    labelled.append("label\n");
    unlabelled.append('\n');
    for (int r = 0; r < test.labels().length; r++) {
      for (int c = 0; c < 64; c++) {
        double v = test.pixels().data()[r * 64 + c];
        labelled.append(v).append(',');
        unlabelled.append(c == 0 ? "" : ",").append(v);
      }
      labelled.append(test.labels()[r]).append('\n');
      unlabelled.append('\n');
    }
    testCsv = Files.writeString(dir.resolve("test.csv"), labelled);
    unlabelledCsv = Files.writeString(dir.resolve("unlabelled.csv"), unlabelled);
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(JobHandler.class).stream().map(p -> p.get().type()))
        .contains("reuse");
  }

  @Test
  void twoHalvesTogetherBeatEitherAlone() throws Exception {
    JobOutcome outcome =
        new ReuseHandler()
            .run(
                context(
                    "{\"sources\": [\"t/digits-high@1\"]}", testCsv, half("low"), half("high")));

    JsonNode report = outcome.report();
    assertThat(outcome.resultSpec()).isEmpty();
    assertThat(outcome.usable()).isEmpty();
    assertThat(report.get("rows").asInt()).isEqualTo(360);
    assertThat(report.get("classes").asInt()).isEqualTo(10);
    // fixtures/digits-split.json
    assertThat(report.at("/single/0/accuracy").asDouble()).isEqualTo(166 / 360.0);
    assertThat(report.at("/single/1/accuracy").asDouble()).isEqualTo(173 / 360.0);
    // Each half only ever predicts its own digits.
    assertThat(report.at("/single/0/predicted/5").asInt()).isZero();
    assertThat(report.at("/single/1/predicted/0").asInt()).isZero();
    // The combinations are measured as a published ensemble answers them, in float32: then one
    // row's tie of two votes, whose mean probabilities differ by less than 1e-4, goes to the
    // lower class (the right one here), so vote is one row ahead of the mean it equals in doubles.
    assertThat(report.at("/mean/accuracy").asDouble()).isEqualTo(298 / 360.0);
    assertThat(report.at("/vote/accuracy").asDouble()).isEqualTo(299 / 360.0);
    assertThat(report.at("/selector/accuracy").asDouble())
        .isGreaterThan(report.at("/mean/accuracy").asDouble())
        .isGreaterThan(0.85);
    assertThat(report.at("/best/method").asText()).isEqualTo("selector");
    assertThat(report.get("log")).isEmpty();
  }

  @Test
  void withoutLabelsOnlyPredictionsAreSummarisedAndWithoutRkmesThereIsNoSelector()
      throws Exception {
    SourceInputs bare = member("t/digits-high@1", "digits-high", null);
    JsonNode report =
        new ReuseHandler()
            .run(
                context(
                    "{\"methods\": [\"mean\", \"selector\"]}", unlabelledCsv, half("low"), bare))
            .report();

    assertThat(report.get("labelled").asBoolean()).isFalse();
    assertThat(report.has("best")).isFalse();
    assertThat(report.at("/mean").has("accuracy")).isFalse();
    int total = 0;
    for (JsonNode count : report.at("/mean/predicted")) {
      total += count.asInt();
    }
    assertThat(total).isEqualTo(360);
    assertThat(report.has("vote")).isFalse();
    assertThat(report.has("selector")).isFalse();
    assertThat(report.get("log").get(0).asText())
        .isEqualTo("selector skipped: not every learnware publishes an RKME");
  }

  @Test
  void badRequestsFailWithTheirReason() throws Exception {
    fails(
        "{\"sources\": [], \"votes\": 3}",
        "unknown parameter \"votes\"; reuse takes methods, publish, selector, sources");
    fails(
        "{\"methods\": [\"median\"]}",
        "unknown method \"median\"; reuse offers [mean, vote, selector]");
    fails(
        "{\"selector\": {\"depth\": 3}}",
        "unknown selector setting \"depth\"; the selector takes epochs, hidden, learningRate,"
            + " pointsPerCandidate, seed");
    fails(
        "{\"selector\": {\"epochs\": 0}}",
        "the job selector: points, epochs and the learning"
            + " rate must be positive, hidden units non-negative");
    ObjectNode five = (ObjectNode) Fixtures.json("digits-mlp/spec.json").deepCopy();
    five.putObject("output").put("dimension", 5);
    SourceInputs fiveClasses =
        new SourceInputs(
            "t/five@1",
            SpecDocuments.parse(five),
            five,
            Fixtures.path("bad-models/wrong-output.pt"),
            Map.of());
    assertThatThrownBy(
            () -> new ReuseHandler().run(context("{}", testCsv, half("low"), fiveClasses)))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "t/five@1 has 5 classes, t/digits-low@1 has 10: reuse combines learnwares of one"
                + " output space");
  }

  private static void fails(String params, String message) {
    assertThatThrownBy(
            () -> new ReuseHandler().run(context(params, testCsv, half("low"), half("high"))))
        .isInstanceOf(JobFailure.class)
        .hasMessage(message);
  }

  /** A half's fixture with the RKME of the training rows it was trained on. */
  private static SourceInputs half(String which) {
    Fixtures.Digits train = Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS);
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < train.labels().length; r++) {
      if ((train.labels()[r] < 5) == which.equals("low")) {
        double[] row = new double[64];
        System.arraycopy(train.pixels().data(), r * 64, row, 0, 64);
        rows.add(row);
      }
    }
    Rkme rkme =
        Rkme.builder()
            .setData(io.learnware.spec.rkme.Matrix.of(rows.toArray(double[][]::new)))
            .build();
    return member("t/digits-" + which + "@1", "digits-" + which, rkme);
  }

  private static SourceInputs member(String ref, String fixture, Rkme rkme) {
    ObjectNode spec = (ObjectNode) Fixtures.json(fixture + "/spec.json").deepCopy();
    if (rkme != null) {
      spec.set("statistical", SpecDocuments.mapper().valueToTree(rkme.toSpec()));
    }
    return new SourceInputs(
        ref, SpecDocuments.parse(spec), spec, Fixtures.path(fixture + "/model.pt"), Map.of());
  }

  private static JobContext context(String params, Path data, SourceInputs... members)
      throws Exception {
    SourceInputs first = members[0];
    return new JobContext(
        "job-1",
        SpecDocuments.mapper().readTree(params),
        first.spec(),
        first.specDocument(),
        first.model(),
        Map.of(),
        Optional.of(data),
        Optional.empty(),
        Files.createTempDirectory(dir, "work"),
        "cpu",
        QUIET,
        List.of(members));
  }
}
