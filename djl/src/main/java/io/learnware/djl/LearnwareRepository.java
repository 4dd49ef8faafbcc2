package io.learnware.djl;

import ai.djl.repository.Artifact;
import ai.djl.repository.MRL;
import ai.djl.repository.Metadata;
import ai.djl.repository.SimpleRepository;
import ai.djl.util.Progress;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.PullResult;
import io.learnware.client.TransferListener;
import io.learnware.spec.reuse.EnsembleManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A DJL repository holding one learnware version. When DJL first asks for it (building the
 * criteria) it pulls the version (resolving an alias once, checking every artifact's SHA-256,
 * copying from the shared cache what is already there) into a directory laid out as DJL expects:
 * {@code model.pt} or {@code model.onnx} (the model name is {@code model}), {@code spec.json} and
 * the extra files. DJL then loads it like any local model, choosing the engine by the file found
 * unless the criteria name one.
 */
final class LearnwareRepository extends SimpleRepository {

  /** The engine each pulled model file needs: TorchScript on PyTorch, ONNX on ONNX Runtime. */
  private static final Map<String, String> ENGINES = Map.of("pt", "PyTorch", "onnx", "OnnxRuntime");

  private final LearnwareUrl url;
  private final Settings settings;
  private PullResult pulled;

  LearnwareRepository(String name, URI uri, LearnwareUrl url, Settings settings) {
    super(name, withModelName(uri), settings.modelDirectory(url));
    this.url = url;
    this.settings = settings;
  }

  /** The version that was pulled (an alias resolved to its number), once it has been. */
  synchronized PullResult pulled() throws IOException {
    if (pulled == null) {
      try (LearnwareClient client = settings.client(url.server())) {
        PullResult result =
            client.pull(url.ref(), settings.modelDirectory(url), TransferListener.none());
        // DJL takes the engine from the criteria, else from the artifact's arguments (which the
        // metadata copies from this repository's): name the one the model's format needs.
        for (PullResult.PulledFile file : result.files()) {
          String name = file.path().getFileName().toString();
          if (file.role().equals("model") && name.equals(EnsembleManifest.FILE_NAME)) {
            throw new IOException(
                url
                    + " is a published ensemble, not one model: load it with"
                    + " LearnwareModel.load, which loads and combines its members");
          }
          if (file.role().equals("model") && ENGINES.containsKey(extension(name))) {
            arguments.putIfAbsent("engine", ENGINES.get(extension(name)));
          }
        }
        pulled = result;
      } catch (LearnwareApiException e) {
        throw new IOException(url + ": " + e.getMessage(), e);
      }
    }
    return pulled;
  }

  @Override
  public boolean isRemote() {
    return true;
  }

  @Override
  public Metadata locate(MRL mrl) throws IOException {
    pulled();
    return super.locate(mrl);
  }

  @Override
  public Artifact resolve(MRL mrl, Map<String, String> filter) throws IOException {
    pulled();
    return super.resolve(mrl, filter);
  }

  @Override
  public void prepare(Artifact artifact, Progress progress) throws IOException {
    pulled();
  }

  @Override
  public Path getResourceDirectory(Artifact artifact) throws IOException {
    return pulled().directory();
  }

  @Override
  public List<MRL> getResources() {
    try {
      pulled();
    } catch (IOException e) {
      // DJL's model zoo asks for the resources without a way to fail; loadModel reports it.
      throw new UncheckedIOException(e);
    }
    return super.getResources();
  }

  private static String extension(String fileName) {
    return fileName.substring(fileName.lastIndexOf('.') + 1);
  }

  /** DJL looks for {@code <model name>.pt}; pulled versions name the model file {@code model}. */
  private static URI withModelName(URI uri) {
    String query = uri.getRawQuery();
    if (query != null && query.matches("(^|.*&)model_name=.*")) {
      return uri;
    }
    return URI.create(uri + (query == null ? "?" : "&") + "model_name=model");
  }
}
