package io.learnware.worker.job;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A learnware version a job works on with its inputs downloaded and checked (a {@code reuse} job's
 * members, a published ensemble's members).
 *
 * @param learnware {@code owner/name@version}
 * @param members for a published ensemble ({@code model.format} {@code ensemble}), the versions it
 *     pins, in its manifest's order; empty for every other format
 */
public record SourceInputs(
    String learnware,
    LearnwareSpec spec,
    JsonNode specDocument,
    Path model,
    Map<String, Path> files,
    List<SourceInputs> members) {

  public SourceInputs {
    members = members == null ? List.of() : List.copyOf(members);
  }

  /** A version that is not an ensemble. */
  public SourceInputs(
      String learnware,
      LearnwareSpec spec,
      JsonNode specDocument,
      Path model,
      Map<String, Path> files) {
    this(learnware, spec, specDocument, model, files, List.of());
  }

  /**
   * The version's model as {@link io.learnware.worker.model.ModelRuntime} loads it: what its
   * specification says, its files and, for an ensemble, its members, all on {@code device}.
   *
   * @throws ModelException when a specification declares no format or no input shape this worker
   *     runs
   */
  public ModelSource modelSource(Device device) throws ModelException {
    return ModelSource.forSpec(spec, model)
        .optFiles(files)
        .optDevice(device)
        .optLearnware(learnware)
        .optMembers(modelSources(members, device))
        .build();
  }

  /** {@link #modelSource} of each version. */
  public static List<ModelSource> modelSources(List<SourceInputs> versions, Device device)
      throws ModelException {
    List<ModelSource> sources = new ArrayList<>();
    for (SourceInputs version : versions) {
      sources.add(version.modelSource(device));
    }
    return sources;
  }
}
