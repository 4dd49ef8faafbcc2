package io.learnware.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.Task;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.spec.reuse.JobSelector;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.model.EnsembleLoader;
import io.learnware.worker.model.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published ensembles made in tests from the fixtures, as the market would hand them to a worker:
 * members as downloaded versions ({@code demo/…@1}, the fixtures' specs with the RKME of the rows
 * each was trained on) and manifests pinning the fixture files' real SHA-256.
 */
public final class EnsembleFixtures {

  /** The 360 digits test rows with labels (pixels / 16). */
  public static final Path DIGITS_TEST = Fixtures.path("data/digits-test.csv.gz");

  /** The 89 diabetes test rows with targets (standardised features). */
  public static final Path DIABETES_TEST = Fixtures.path("data/diabetes-test.csv.gz");

  private static final Map<String, Rkme> RKMES = new ConcurrentHashMap<>();

  private EnsembleFixtures() {}

  /** A published ensemble: its specification, its {@code ensemble.json} and its members. */
  public record Published(ObjectNode spec, Path model, List<SourceInputs> members) {

    /** The ensemble as a version a job downloaded, e.g. a member of a reuse job. */
    public SourceInputs inputs(String ref) {
      return new SourceInputs(ref, SpecDocuments.parse(spec), spec, model, Map.of(), members);
    }

    /** A job on the ensemble. */
    public JobContext context(String params, Path dataset, Path workDir, JobProgress progress)
        throws IOException {
      return new JobContext(
          "job-ensemble",
          SpecDocuments.mapper().readTree(params),
          SpecDocuments.parse(spec),
          spec,
          model,
          Map.of(),
          Optional.ofNullable(dataset),
          Optional.empty(),
          workDir,
          "cpu",
          progress,
          List.of(),
          members);
    }
  }

  /** digits-low or digits-high ({@code "low"}, {@code "high"}) with the RKME of its rows. */
  public static SourceInputs digitsHalf(String which) {
    Rkme rkme =
        RKMES.computeIfAbsent(
            "digits-" + which,
            key -> {
              Fixtures.Digits train = Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS);
              List<double[]> rows = new ArrayList<>();
              for (int r = 0; r < train.labels().length; r++) {
                if ((train.labels()[r] < 5) == which.equals("low")) {
                  double[] row = new double[64];
                  System.arraycopy(train.pixels().data(), r * 64, row, 0, 64);
                  rows.add(row);
                }
              }
              return Rkme.builder().setData(Matrix.of(rows.toArray(double[][]::new))).build();
            });
    return member(
        "demo/digits-" + which + "@1",
        Fixtures.json("digits-" + which + "/spec.json").deepCopy(),
        Fixtures.path("digits-" + which + "/model.pt"),
        rkme);
  }

  /** digits-mlp as TorchScript ({@code onnx} false) or its ONNX export, without an RKME. */
  public static SourceInputs digitsMlp(boolean onnx) {
    ObjectNode spec = Fixtures.json("digits-mlp/spec.json").deepCopy();
    ((ObjectNode) spec.get("model")).remove("featureExtractor");
    if (onnx) {
      ((ObjectNode) spec.get("model")).put("format", "onnx");
    }
    return member(
        onnx ? "demo/digits-onnx@1" : "demo/digits@1",
        spec,
        Fixtures.path(onnx ? "digits-mlp/model.onnx" : "digits-mlp/model.pt"),
        null);
  }

  /** diabetes-mlp as TorchScript or its ONNX export, without an RKME. */
  public static SourceInputs diabetesMlp(boolean onnx) {
    ObjectNode spec = Fixtures.json("diabetes-mlp/spec.json").deepCopy();
    ((ObjectNode) spec.get("model")).remove("featureExtractor");
    if (onnx) {
      ((ObjectNode) spec.get("model")).put("format", "onnx");
    }
    return member(
        onnx ? "demo/diabetes-onnx@1" : "demo/diabetes@1",
        spec,
        Fixtures.path(onnx ? "diabetes-mlp/model.onnx" : "diabetes-mlp/model.pt"),
        null);
  }

  /** diabetes-sex1 or diabetes-sex2 ({@code 1}, {@code 2}) with the RKME of its training rows. */
  public static SourceInputs diabetesSex(int sex) {
    Rkme rkme =
        RKMES.computeIfAbsent(
            "diabetes-sex" + sex,
            key -> {
              Matrix train = diabetesTrain();
              List<double[]> rows = new ArrayList<>();
              for (int r = 0; r < train.rows(); r++) {
                // The sex column (index 1) is standardised: negative is sex 1.
                if ((train.get(r, 1) < 0) == (sex == 1)) {
                  rows.add(java.util.Arrays.copyOfRange(train.data(), r * 10, (r + 1) * 10));
                }
              }
              return Rkme.builder().setData(Matrix.of(rows.toArray(double[][]::new))).build();
            });
    return member(
        "demo/diabetes-sex" + sex + "@1",
        Fixtures.json("diabetes-sex" + sex + "/spec.json").deepCopy(),
        Fixtures.path("diabetes-sex" + sex + "/model.pt"),
        rkme);
  }

  /** The 353 diabetes training rows' features. */
  public static Matrix diabetesTrain() {
    try {
      return CsvTables.read(
              Fixtures.path("data/diabetes-train.csv.gz"),
              "label",
              io.learnware.spec.data.ProgressListener.none())
          .features();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A downloaded version with an optional RKME added to its specification. */
  public static SourceInputs member(String ref, ObjectNode spec, Path model, Rkme rkme) {
    if (rkme != null) {
      spec.set("statistical", SpecDocuments.mapper().valueToTree(rkme.toSpec()));
    }
    return new SourceInputs(ref, SpecDocuments.parse(spec), spec, model, Map.of());
  }

  /** Each member pinned by its {@code owner/name@version} and its model file's SHA-256. */
  public static List<EnsembleManifest.Member> pins(List<SourceInputs> members) {
    List<EnsembleManifest.Member> pins = new ArrayList<>();
    for (SourceInputs member : members) {
      String ref = member.learnware();
      int at = ref.lastIndexOf('@');
      try {
        pins.add(
            new EnsembleManifest.Member(
                ref.substring(0, at),
                Integer.parseInt(ref.substring(at + 1)),
                EnsembleLoader.sha256(member.model())));
      } catch (ModelException e) {
        throw new IllegalStateException(e);
      }
    }
    return pins;
  }

  /**
   * An ensemble of {@code members} combined by {@code method} (the selector trained on their RKMEs
   * with the job's defaults), written to {@code dir}; its specification is the first member's with
   * {@code model.format} ensemble.
   */
  public static Published publish(
      Path dir, EnsembleManifest.Method method, List<SourceInputs> members) {
    SourceInputs first = members.getFirst();
    JobSelector selector = null;
    if (method == EnsembleManifest.Method.SELECTOR) {
      selector =
          JobSelector.builder()
              .setCandidates(
                  members.stream().map(m -> Rkme.fromSpec(m.spec().statistical())).toList())
              .build();
    }
    EnsembleManifest manifest =
        new EnsembleManifest(
            method,
            first.spec().task() == Task.REGRESSION ? Task.REGRESSION : Task.CLASSIFICATION,
            first.spec().input().dimension(),
            first.spec().output().dimension(),
            pins(members),
            selector == null ? null : selector.weights());
    return publish(dir, manifest, members);
  }

  /** {@code manifest} written to {@code dir} as the artifact of an ensemble of {@code members}. */
  public static Published publish(Path dir, EnsembleManifest manifest, List<SourceInputs> members) {
    ObjectNode spec = members.getFirst().specDocument().deepCopy();
    spec.put("name", "Ensemble (%s)".formatted(manifest.method().jsonName()));
    spec.remove("statistical");
    spec.putObject("model").put("format", "ensemble");
    try {
      Path file = Files.createTempFile(Files.createDirectories(dir), "ensemble-", ".json");
      Files.write(file, SpecDocuments.mapper().writeValueAsBytes(manifest.toJson()));
      return new Published(spec, file, members);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
