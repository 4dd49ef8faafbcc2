package io.learnware.djl;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.Sha256;
import io.learnware.client.TransferListener;
import io.learnware.client.VersionInfo;
import io.learnware.spec.DataType;
import io.learnware.spec.InputSpec;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Task;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.reuse.PublishedEnsemble;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A stored classifier learnware loaded with DJL from its {@code learnware://} URL, with its
 * specification: it answers class probabilities (the softmax of the model's logits) for rows on the
 * model's input scale, and offers its RKME for {@link io.learnware.spec.reuse.JobSelector}.
 *
 * <p>A published ensemble (model format {@code ensemble}) loads each member it pins by its own
 * {@code learnware://host/owner/name@N} URL, checks that the member's model file has the pinned
 * SHA-256, and answers the combination of the members ({@link PublishedEnsemble}: the mean or vote
 * of their probabilities, or the member its selector routes each row to), like any classifier.
 *
 * <pre>{@code
 * try (LearnwareModel low = LearnwareModel.load("learnware://localhost:8080/demo/digits-low");
 *     LearnwareModel high = LearnwareModel.load("learnware://localhost:8080/demo/digits-high")) {
 *   ProbabilisticClassifier both = Reuse.selector(List.of(low, high));
 *   int[] predicted = both.predict(myRows);
 * }
 * }</pre>
 */
public final class LearnwareModel implements ProbabilisticClassifier, AutoCloseable {

  private static final String ENSEMBLE = "ensemble";

  private final String url;
  private final LearnwareSpec spec;

  /** The DJL model; null for a published ensemble. */
  private final ZooModel<Batch, double[][]> model;

  /** A published ensemble's members, in its order, and their combination; empty and null else. */
  private final List<LearnwareModel> members;

  private final PublishedEnsemble ensemble;

  private LearnwareModel(
      String url,
      LearnwareSpec spec,
      ZooModel<Batch, double[][]> model,
      List<LearnwareModel> members,
      PublishedEnsemble ensemble) {
    this.url = url;
    this.spec = spec;
    this.model = model;
    this.members = List.copyOf(members);
    this.ensemble = ensemble;
  }

  /**
   * Downloads (checksum-verified, cached) and loads a learnware; DJL picks the engine by the model
   * file (TorchScript: PyTorch, ONNX: OnnxRuntime), which must be on the class path. A published
   * ensemble loads its members so.
   *
   * @param url {@code learnware://host[:port]/owner/name[@ref]}
   * @throws IOException when the learnware cannot be had, or an ensemble's member is not the
   *     version it pins (its model has another SHA-256)
   */
  public static LearnwareModel load(String url) throws IOException {
    LearnwareUrl parsed = LearnwareUrl.parse(URI.create(url));
    Settings settings = Settings.fromEnvironment();
    try (LearnwareClient client = settings.client(parsed.server())) {
      VersionInfo version = client.version(parsed.ref());
      if (version.model() != null && ENSEMBLE.equals(version.model().format())) {
        return loadEnsemble(url, parsed, settings, client, version);
      }
    } catch (LearnwareApiException e) {
      throw new IOException(url + ": " + e.getMessage(), e);
    }
    return loadModel(url);
  }

  private static LearnwareModel loadModel(String url) throws IOException {
    ZooModel<Batch, double[][]> model;
    try {
      model =
          Criteria.builder()
              .setTypes(Batch.class, double[][].class)
              .optModelUrls(url)
              .optTranslator(new ProbabilityTranslator())
              .build()
              .loadModel();
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IOException(url + ": " + e.getMessage(), e);
    }
    try {
      Path specFile = model.getModelPath().resolve("spec.json");
      LearnwareSpec spec =
          SpecDocuments.parse(SpecDocuments.mapper().readTree(Files.readAllBytes(specFile)));
      return new LearnwareModel(url, spec, model, List.of(), null);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Pulls the ensemble's version, then loads and checks every member it pins. */
  private static LearnwareModel loadEnsemble(
      String url,
      LearnwareUrl parsed,
      Settings settings,
      LearnwareClient client,
      VersionInfo version)
      throws IOException, LearnwareApiException {
    Path directory = settings.modelDirectory(parsed);
    client.pull(
        parsed.ref().at(Integer.toString(version.version())), directory, TransferListener.none());
    LearnwareSpec spec =
        SpecDocuments.parse(
            SpecDocuments.mapper().readTree(Files.readAllBytes(directory.resolve("spec.json"))));
    EnsembleManifest manifest;
    try {
      manifest =
          EnsembleManifest.parse(
              SpecDocuments.mapper()
                  .readTree(Files.readAllBytes(directory.resolve(EnsembleManifest.FILE_NAME))),
              Schemas.VALIDATOR);
    } catch (IllegalArgumentException e) {
      throw new IOException(url + ": " + e.getMessage(), e);
    }
    if (manifest.task() != Task.CLASSIFICATION) {
      throw new IOException(
          url
              + " is a "
              + manifest.task().jsonName()
              + " ensemble; LearnwareModel answers class probabilities");
    }
    List<LearnwareModel> members = new ArrayList<>();
    try {
      for (EnsembleManifest.Member pin : manifest.members()) {
        LearnwareModel member =
            loadModel(new LearnwareUrl(parsed.server(), LearnwareRef.parse(pin.ref())).toString());
        members.add(member);
        String sha256 = member.modelSha256();
        if (!sha256.equals(pin.sha256())) {
          throw new IOException(
              "%s: its member %s has a model of SHA-256 %s, but the ensemble pins %s; it is not the version the ensemble was made of"
                  .formatted(url, pin.ref(), sha256, pin.sha256()));
        }
      }
    } catch (IOException | RuntimeException e) {
      members.forEach(LearnwareModel::close);
      throw e;
    }
    return new LearnwareModel(url, spec, null, members, new PublishedEnsemble(manifest));
  }

  /** The SHA-256 of the model file DJL loaded, as lower-case hex. */
  private String modelSha256() throws IOException {
    Path file =
        model
            .getModelPath()
            .resolve(LearnwareClient.modelFileName(spec.model().format().jsonName()));
    return Sha256.of(file);
  }

  /** The URL it was loaded from. */
  public String url() {
    return url;
  }

  public LearnwareSpec spec() {
    return spec;
  }

  /** The RKME of its training data, when its specification publishes one. */
  public Optional<Rkme> rkme() {
    return Optional.ofNullable(spec.statistical()).map(Rkme::fromSpec);
  }

  /**
   * The DJL model, e.g. for predictors with other translators.
   *
   * @throws IllegalStateException for a published ensemble, which has one per member ({@link
   *     #members()})
   */
  public ai.djl.Model model() {
    if (model == null) {
      throw new IllegalStateException(
          url + " is a published ensemble: it has no single DJL model; see members()");
    }
    return model;
  }

  /** A published ensemble's members, loaded, in its order; empty for other learnwares. */
  public List<LearnwareModel> members() {
    return members;
  }

  /** What a published ensemble pins and how it combines them; empty for other learnwares. */
  public Optional<EnsembleManifest> ensemble() {
    return Optional.ofNullable(ensemble).map(PublishedEnsemble::manifest);
  }

  @Override
  public double[][] probabilities(Matrix rows) throws TranslateException {
    if (ensemble != null) {
      // The members' probabilities as logits (their logarithm; a softmax gives them back), which
      // PublishedEnsemble combines into log-probabilities.
      List<double[][]> outputs = new ArrayList<>();
      for (LearnwareModel member : members) {
        outputs.add(PublishedEnsemble.log(member.probabilities(rows)));
      }
      return PublishedEnsemble.softmax(ensemble.combine(rows, outputs));
    }
    try (Predictor<Batch, double[][]> predictor = model.newPredictor()) {
      return predictor.predict(shaped(rows));
    }
  }

  @Override
  public void close() {
    if (model != null) {
      model.close();
    }
    members.forEach(LearnwareModel::close);
  }

  @Override
  public String toString() {
    return url;
  }

  /** Rows with the tensor shape the model takes: images as N×C×H×W. */
  private Batch shaped(Matrix rows) {
    InputSpec input = spec.input();
    int expected =
        spec.dataType() == DataType.IMAGE
            ? input.channels() * input.height() * input.width()
            : input.dimension();
    if (rows.columns() != expected) {
      throw new IllegalArgumentException(
          "%s takes %d inputs per row, got %d".formatted(url, expected, rows.columns()));
    }
    Shape shape =
        spec.dataType() == DataType.IMAGE
            ? new Shape(rows.rows(), input.channels(), input.height(), input.width())
            : new Shape(rows.rows(), rows.columns());
    return new Batch(rows, shape);
  }

  /** Compiled on first use: only ensembles need the schemas. */
  private static final class Schemas {
    static final SpecValidator VALIDATOR = new SpecValidator();
  }

  /** Rows and the shape of the tensor they become. */
  record Batch(Matrix rows, Shape shape) {}

  /** Rows to a float tensor of the batch's shape, logits to softmax probabilities. */
  private static final class ProbabilityTranslator
      implements NoBatchifyTranslator<Batch, double[][]> {
    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
      double[] values = batch.rows().data();
      float[] data = new float[values.length];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) values[i];
      }
      return new NDList(ctx.getNDManager().create(data, batch.shape()));
    }

    @Override
    public double[][] processOutput(TranslatorContext ctx, NDList list) {
      // Softmax here rather than on the NDArray: not every engine (ONNX Runtime) implements it.
      NDArray logits = list.singletonOrThrow();
      int rows = (int) logits.getShape().get(0);
      int classes = (int) logits.getShape().get(1);
      float[] flat = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
      double[][] out = new double[rows][classes];
      for (int r = 0; r < rows; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, flat[r * classes + c]);
        }
        double total = 0;
        for (int c = 0; c < classes; c++) {
          out[r][c] = Math.exp(flat[r * classes + c] - max);
          total += out[r][c];
        }
        for (int c = 0; c < classes; c++) {
          out[r][c] /= total;
        }
      }
      return out;
    }
  }
}
