package io.learnware.worker.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.LearnwareSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a handler gets: the job's parameters and its inputs already downloaded (and checked against
 * their SHA-256) into local files.
 *
 * @param jobId the job's id, for logs
 * @param params the job's {@code params} object (empty when none were given)
 * @param source the source version's specification
 * @param sourceSpecDocument the same specification as the JSON document it was stored as
 * @param sourceModel the source version's model artifact
 * @param sourceFiles the source version's extra files by filename (e.g. {@code features.pt})
 * @param dataset the job's data set, when it names one: a CSV with a header, or IDX images
 * @param datasetLabels IDX labels belonging to {@code dataset}, when it is IDX and has them
 * @param workDir a private scratch directory, deleted after the job
 * @param device {@code cpu} or {@code gpu}: what this worker runs on
 * @param progress where to report progress; also tells whether the job was cancelled
 * @param sources for {@code reuse} jobs, every learnware combined: the source first, then the
 *     others in the order requested; empty for other types
 */
public record JobContext(
    String jobId,
    JsonNode params,
    LearnwareSpec source,
    JsonNode sourceSpecDocument,
    Path sourceModel,
    Map<String, Path> sourceFiles,
    Optional<Path> dataset,
    Optional<Path> datasetLabels,
    Path workDir,
    String device,
    JobProgress progress,
    List<SourceInputs> sources) {

  public JobContext {
    sources = sources == null ? List.of() : List.copyOf(sources);
  }

  /** A job on one source (every type but {@code reuse}). */
  public JobContext(
      String jobId,
      JsonNode params,
      LearnwareSpec source,
      JsonNode sourceSpecDocument,
      Path sourceModel,
      Map<String, Path> sourceFiles,
      Optional<Path> dataset,
      Optional<Path> datasetLabels,
      Path workDir,
      String device,
      JobProgress progress) {
    this(
        jobId,
        params,
        source,
        sourceSpecDocument,
        sourceModel,
        sourceFiles,
        dataset,
        datasetLabels,
        workDir,
        device,
        progress,
        List.of());
  }
}
