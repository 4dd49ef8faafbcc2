package io.learnware.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.Task;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.spec.reuse.EnsembleManifest.Method;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.reuse.PublishedEnsemble;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.EnsembleFixtures;
import io.learnware.worker.EnsembleFixtures.Published;
import io.learnware.worker.Fixtures;
import io.learnware.worker.job.SourceInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Published ensembles through {@link ModelRuntime}: the members given must be the ones pinned, and
 * the loaded ensemble answers exactly what {@link PublishedEnsemble} makes of its members' own
 * predictions (digits-low and digits-high; digits-mlp as TorchScript and ONNX).
 */
class EnsembleLoaderTest {

  @TempDir static Path dir;
  static Fixtures.Digits test;
  static SourceInputs low;
  static SourceInputs high;

  @BeforeAll
  static void members() {
    test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    low = EnsembleFixtures.digitsHalf("low");
    high = EnsembleFixtures.digitsHalf("high");
  }

  static RunnableModel load(Published ensemble) throws ModelException {
    return ModelRuntime.load(ensemble.inputs("demo/ensemble@1").modelSource(Device.cpu()));
  }

  @Test
  void anEnsembleAnswersWhatItsMembersAnswerCombined() throws Exception {
    for (Method method : Method.values()) {
      Published published = EnsembleFixtures.publish(dir, method, List.of(low, high));
      EnsembleManifest manifest = EnsembleLoader.manifest(published.model());
      List<double[][]> alone = new ArrayList<>();
      for (SourceInputs member : List.of(low, high)) {
        try (RunnableModel model = ModelRuntime.load(member.modelSource(Device.cpu()))) {
          alone.add(doubles(model.predict(test.pixels())));
        }
      }
      double[][] expected = new PublishedEnsemble(manifest).combine(rows(), alone);

      try (RunnableModel ensemble = load(published)) {
        assertThat(ensemble.format()).isEqualTo(ModelFormat.ENSEMBLE);
        assertThat(ensemble.parameterCount()).hasValue(2410 + 2410);
        assertThat(ensemble.device()).isEqualTo(Device.cpu());
        float[][] out = ensemble.predict(test.pixels());
        for (int r = 0; r < out.length; r++) {
          for (int c = 0; c < 10; c++) {
            assertThat(out[r][c]).as("%s row %d", method, r).isEqualTo((float) expected[r][c]);
          }
        }
        double accuracy = ProbabilisticClassifier.accuracy(doubles(out), test.labels());
        System.out.printf("ensemble %s of digits-low and digits-high: %.4f%n", method, accuracy);
        // docs/reuse.md: mean 0.8278, selector 0.8917; vote keeps mean's order but in float32.
        assertThat(accuracy).isGreaterThan(method == Method.SELECTOR ? 0.88 : 0.82);
        assertThatThrownBy(ensemble::backbone)
            .isInstanceOf(CapabilityException.class)
            .hasMessage(
                "a published ensemble has no single backbone: each member has its own layers, and"
                    + " the ensemble combines their outputs, not their features");
        assertThatThrownBy(ensemble::differentiable)
            .isInstanceOf(CapabilityException.class)
            .hasMessage(
                "no gradients through a published ensemble: its members run as separately loaded"
                    + " models whose outputs are combined outside any engine's autograd graph");
      }
    }
  }

  @Test
  void membersOfDifferentFormatsCombineAndAnUncountedMemberLeavesTheCountUnknown()
      throws Exception {
    Published twins =
        EnsembleFixtures.publish(
            dir,
            Method.MEAN,
            List.of(EnsembleFixtures.digitsMlp(false), EnsembleFixtures.digitsMlp(true)));
    try (RunnableModel ensemble = load(twins);
        RunnableModel alone =
            ModelRuntime.load(EnsembleFixtures.digitsMlp(false).modelSource(Device.cpu()))) {
      float[][] both = ensemble.predict(test.pixels());
      float[][] one = alone.predict(test.pixels());
      // The mean of two near-identical answers: the same classes, 330 of 360 right.
      assertThat(ProbabilisticClassifier.argmax(doubles(both)))
          .containsExactly(ProbabilisticClassifier.argmax(doubles(one)));
      assertThat(ProbabilisticClassifier.accuracy(doubles(both), test.labels()))
          .isEqualTo(330 / 360.0);
      // The ONNX graph's initializers are counted (2,410 values).
      assertThat(ensemble.parameterCount()).hasValue(4820);
    }
  }

  @Test
  void aMemberWhoseFileIsNotThePinnedOneIsRefused() throws Exception {
    EnsembleManifest good =
        EnsembleLoader.manifest(
            EnsembleFixtures.publish(dir, Method.MEAN, List.of(low, high)).model());
    List<EnsembleManifest.Member> pins = new ArrayList<>(good.members());
    pins.set(1, new EnsembleManifest.Member("demo/digits-high", 1, "0".repeat(64)));
    Published wrong =
        EnsembleFixtures.publish(
            dir,
            new EnsembleManifest(Method.MEAN, Task.CLASSIFICATION, 64, 10, pins, null),
            List.of(low, high));

    assertThatThrownBy(() -> load(wrong))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "the model file of member demo/digits-high@1 has SHA-256 %s; the ensemble pins %s"
                .formatted(EnsembleLoader.sha256(high.model()), "0".repeat(64)));
  }

  @Test
  void membersMustBeTheOnesPinnedInTheirOrder() throws Exception {
    Published published = EnsembleFixtures.publish(dir, Method.MEAN, List.of(low, high));
    Published missing = new Published(published.spec(), published.model(), List.of(low));
    assertThatThrownBy(() -> load(missing))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "the ensemble pins 2 members (demo/digits-low@1, demo/digits-high@1); the worker was"
                + " given 1");
    Published swapped = new Published(published.spec(), published.model(), List.of(high, low));
    assertThatThrownBy(() -> load(swapped))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "member 1 of the ensemble is demo/digits-low@1; demo/digits-high@1 was given in its"
                + " place");
  }

  @Test
  void aMemberThatIsAnEnsembleIsRefused() throws Exception {
    Published inner = EnsembleFixtures.publish(dir, Method.MEAN, List.of(low, high));
    SourceInputs nested = inner.inputs("demo/inner@1");
    Published outer =
        EnsembleFixtures.publish(
            dir,
            new EnsembleManifest(
                Method.MEAN,
                Task.CLASSIFICATION,
                64,
                10,
                EnsembleFixtures.pins(List.of(low, nested)),
                null),
            List.of(low, nested));

    assertThatThrownBy(() -> load(outer))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "member demo/inner@1 is itself an ensemble; a published ensemble pins models, not"
                + " ensembles");
  }

  @Test
  void aManifestThatDisagreesWithItsSpecificationIsRefused() throws Exception {
    Published published = EnsembleFixtures.publish(dir, Method.MEAN, List.of(low, high));
    ObjectNode regression = published.spec().deepCopy();
    regression.put("task", "regression");
    assertThatThrownBy(
            () -> load(new Published(regression, published.model(), published.members())))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "the ensemble manifest combines classification members; the specification's task is"
                + " regression");
    ObjectNode five = published.spec().deepCopy();
    ((ObjectNode) five.get("output")).put("dimension", 5).remove("labels");
    assertThatThrownBy(() -> load(new Published(five, published.model(), published.members())))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "the ensemble manifest combines members of 10 outputs; the specification's"
                + " output.dimension is 5");
    Path notJson = Files.writeString(dir.resolve("not-a-manifest.json"), "{\"members\": 3}");
    assertThatThrownBy(() -> load(new Published(published.spec(), notJson, published.members())))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("the ensemble manifest is not a valid ensemble: ");
  }

  @Test
  void whenAMemberDoesNotLoadTheOnesAlreadyLoadedAreClosed() throws Exception {
    // The ONNX member comes first: while loaded it holds a temporary folder linking to its file.
    Path onnx = Files.copy(Fixtures.path("digits-mlp/model.onnx"), dir.resolve("first.onnx"));
    SourceInputs first =
        new SourceInputs(
            "demo/digits-onnx@1",
            EnsembleFixtures.digitsMlp(true).spec(),
            EnsembleFixtures.digitsMlp(true).specDocument(),
            onnx,
            java.util.Map.of());
    ObjectNode spec = Fixtures.json("digits-mlp/spec.json").deepCopy();
    ((ObjectNode) spec.get("model")).remove("featureExtractor");
    SourceInputs broken =
        EnsembleFixtures.member("demo/broken@1", spec, Fixtures.path("not-torchscript.pt"), null);
    Published published = EnsembleFixtures.publish(dir, Method.MEAN, List.of(first, broken));

    assertThatThrownBy(() -> load(published))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith(
            "member demo/broken@1 does not load: the model file is not a TorchScript module"
                + " PyTorch can load");
    assertThat(onnxFoldersLinkingTo(onnx)).isEmpty();
  }

  /** ONNX models' temporary folders whose model.onnx links to {@code file}. */
  private static List<Path> onnxFoldersLinkingTo(Path file) throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> folders = Files.list(tmp)) {
      return folders
          .filter(f -> f.getFileName().toString().startsWith("learnware-onnx-"))
          .filter(
              f -> {
                Path link = f.resolve("model.onnx");
                try {
                  return Files.isSymbolicLink(link)
                      && Files.readSymbolicLink(link).equals(file.toAbsolutePath());
                } catch (Exception e) {
                  return false;
                }
              })
          .toList();
    }
  }

  private static Matrix rows() {
    return test.pixels();
  }

  private static double[][] doubles(float[][] values) {
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
