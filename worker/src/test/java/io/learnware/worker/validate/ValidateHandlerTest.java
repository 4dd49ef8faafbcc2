package io.learnware.worker.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.worker.Fixtures;
import io.learnware.worker.job.JobCancelledException;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateHandlerTest {

  @TempDir Path workDir;

  private final List<Double> fractions = new ArrayList<>();
  private boolean cancelled;

  @Test
  void theWorkerFindsTheHandlerWithServiceLoader() {
    assertThat(ServiceLoader.load(JobHandler.class).stream().map(p -> p.get().type()))
        .contains("validate");
  }

  @Test
  void aUsableModelGivesAPositiveVerdictWithTheContractsReport() throws Exception {
    JobOutcome outcome =
        new ValidateHandler()
            .run(context("digits-mlp/model.pt", spec("digits-mlp/spec.json"), "{\"seed\": 5}"));

    assertThat(outcome.usable()).contains(true);
    assertThat(outcome.resultSpec()).isEmpty();
    JsonNode report = outcome.report();
    assertThat(iterable(report.fieldNames()))
        .containsExactly(
            "loads",
            "outputShape",
            "finite",
            "parameters",
            "latencyMsPerSample",
            "log",
            "usable",
            "reason",
            "modelError");
    assertThat(report.get("loads").asBoolean()).isTrue();
    assertThat(report.get("outputShape").toString()).isEqualTo("[64,10]");
    assertThat(report.get("finite").asBoolean()).isTrue();
    assertThat(report.get("parameters").asLong()).isEqualTo(2410);
    assertThat(report.get("latencyMsPerSample").asDouble()).isPositive();
    assertThat(report.get("log").get(report.get("log").size() - 1).asText())
        .isEqualTo("verdict: usable");
    assertThat(report.get("reason").isNull()).isTrue();
    assertThat(report.get("modelError").isNull()).isTrue();
    assertThat(fractions).first().isEqualTo(0.0);
    assertThat(fractions).last().isEqualTo(1.0);
    assertThat(fractions).isSorted();
  }

  @Test
  void aBrokenModelIsANegativeVerdictNotAFailure() throws Exception {
    JobOutcome outcome =
        new ValidateHandler()
            .run(context("bad-models/wrong-output.pt", spec("digits-mlp/spec.json"), "{}"));

    assertThat(outcome.usable()).contains(false);
    String reason = "the model returned 5 outputs per row; the spec declares output.dimension 10";
    assertThat(outcome.report().get("reason").asText()).isEqualTo(reason);
    assertThat(outcome.report().get("usable").asBoolean()).isFalse();
    assertThat(outcome.report().get("outputShape").toString()).isEqualTo("[64,5]");
    assertThat(outcome.report().get("latencyMsPerSample").isNull()).isTrue();
    JsonNode log = outcome.report().get("log");
    assertThat(log.get(log.size() - 1).asText()).isEqualTo("verdict: not usable: " + reason);
  }

  @Test
  void anOnnxModelGivesAPositiveVerdict() throws Exception {
    ObjectNode onnx = spec("digits-mlp/spec.json");
    ((ObjectNode) onnx.get("model")).put("format", "onnx");
    JobOutcome outcome = new ValidateHandler().run(context("digits-mlp/model.onnx", onnx, "{}"));

    assertThat(outcome.usable()).contains(true);
    JsonNode report = outcome.report();
    assertThat(report.get("loads").asBoolean()).isTrue();
    assertThat(report.get("outputShape").toString()).isEqualTo("[64,10]");
    assertThat(report.get("finite").asBoolean()).isTrue();
    assertThat(report.get("parameters").asLong()).isEqualTo(2410);
    assertThat(report.get("reason").isNull()).isTrue();
  }

  @Test
  void aRegressorGetsAVerdictOnItsPredictions() throws Exception {
    JobOutcome usable =
        new ValidateHandler()
            .run(context("diabetes-mlp/model.pt", spec("diabetes-mlp/spec.json"), "{}"));
    assertThat(usable.usable()).contains(true);
    assertThat(usable.report().get("outputShape").toString()).isEqualTo("[64,1]");
    assertThat(usable.report().get("parameters").asLong()).isEqualTo(385);
    assertThat(usable.report().get("log").toString())
        .contains("task regression: every probe row must get 1 finite predicted value");

    JobOutcome nan =
        new ValidateHandler()
            .run(context("bad-regressors/nan-output.pt", spec("diabetes-mlp/spec.json"), "{}"));
    assertThat(nan.usable()).contains(false);
    assertThat(nan.report().get("finite").asBoolean()).isFalse();
    assertThat(nan.report().get("reason").asText())
        .startsWith("the model returned 31 non-finite predictions (NaN or infinite)");
  }

  @Test
  void modelsThisWorkerCannotRunAndBadParametersFailTheJob() throws Exception {
    ObjectNode text = spec("digits-mlp/spec.json");
    text.put("dataType", "text");
    assertThatThrownBy(() -> new ValidateHandler().run(context("digits-mlp/model.pt", text, "{}")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("text learnwares cannot be run by this worker yet (token inputs)");
    // Every format runs: a specification that does not fit its artifact is a verdict.
    ObjectNode xgboost = spec("digits-mlp/spec.json");
    ((ObjectNode) xgboost.get("model")).put("format", "xgboost");
    JobOutcome misfit = new ValidateHandler().run(context("digits-mlp/model.onnx", xgboost, "{}"));
    assertThat(misfit.usable()).contains(false);
    assertThat(misfit.report().get("reason").asText())
        .isEqualTo("model.architecture is required for xgboost models (type gbdt)");
    assertThatThrownBy(
            () ->
                new ValidateHandler()
                    .run(
                        context(
                            "digits-mlp/model.pt",
                            spec("digits-mlp/spec.json"),
                            "{\"probes\": 100000}")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("params.probes must be between 1 and 4096, got 100000");
    assertThatThrownBy(
            () ->
                new ValidateHandler()
                    .run(
                        context(
                            "digits-mlp/model.pt",
                            spec("digits-mlp/spec.json"),
                            "{\"seed\": \"x\"}")))
        .isInstanceOf(JobFailure.class)
        .hasMessage("params.seed must be an integer, got \"x\"");
  }

  @Test
  void aCancelledJobStops() {
    cancelled = true;
    assertThatThrownBy(
            () ->
                new ValidateHandler()
                    .run(context("digits-mlp/model.pt", spec("digits-mlp/spec.json"), "{}")))
        .isInstanceOf(JobCancelledException.class);
  }

  private JobContext context(String model, ObjectNode specDocument, String params)
      throws Exception {
    return new JobContext(
        "job-1",
        SpecDocuments.mapper().readTree(params),
        SpecDocuments.parse(specDocument),
        specDocument,
        Fixtures.path(model),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        workDir,
        "cpu",
        new JobProgress() {
          @Override
          public void report(double fraction, String message) {
            fractions.add(fraction);
          }

          @Override
          public boolean cancelled() {
            return cancelled;
          }
        });
  }

  private static ObjectNode spec(String relative) {
    return Fixtures.json(relative).deepCopy();
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    return () -> iterator;
  }
}
