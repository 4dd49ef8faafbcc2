package io.learnware.worker.job;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.Task;
import io.learnware.worker.model.Devices;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelSource;
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
 * @param sourceMembers when the source is a published ensemble ({@code model.format} {@code
 *     ensemble}), the versions it pins, downloaded, in its manifest's order; empty otherwise
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
    List<SourceInputs> sources,
    List<SourceInputs> sourceMembers) {

  public JobContext {
    sources = sources == null ? List.of() : List.copyOf(sources);
    sourceMembers = sourceMembers == null ? List.of() : List.copyOf(sourceMembers);
  }

  /** A job whose source is not a published ensemble. */
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
      JobProgress progress,
      List<SourceInputs> sources) {
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
        sources,
        List.of());
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

  /**
   * The DJL device this job's models run on: {@link #device()} as {@link Devices#select} reads it.
   *
   * @throws IllegalStateException when this machine has no such device: the worker's fault, not the
   *     job's, so the job may be retried elsewhere
   */
  public Device engineDevice() {
    try {
      return Devices.select(device);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("this worker's device: " + e.getMessage(), e);
    }
  }

  /**
   * The shape of one input sample of the source, as its specification declares it.
   *
   * @throws JobFailure when the specification declares no input shape this worker runs
   */
  public InputShape inputShape() throws JobFailure {
    try {
      return InputShape.of(source);
    } catch (ModelException e) {
      throw new JobFailure(e.getMessage(), e);
    }
  }

  /**
   * The source's task when it is a classifier or a regressor of one output: what the jobs that
   * measure a learnware against a data set's one label column take.
   *
   * @param measures how the messages begin, e.g. {@code "evaluate measures"}
   * @param why said after "regressors with one output", e.g. {@code " (a data set has one target
   *     column)"}, or empty
   * @throws JobFailure for any other task, or a regressor of several outputs
   */
  public Task measuredTask(String measures, String why) throws JobFailure {
    if (source.task() != Task.CLASSIFICATION && source.task() != Task.REGRESSION) {
      throw new JobFailure(
          measures
              + " classifiers and regressors; this learnware's task is "
              + source.task().jsonName());
    }
    if (source.task() == Task.REGRESSION && source.output().dimension() != 1) {
      throw new JobFailure(
          "%s regressors with one output%s; this one has %d"
              .formatted(measures, why, source.output().dimension()));
    }
    return source.task();
  }

  /**
   * The source's model as {@link io.learnware.worker.model.ModelRuntime} loads it: what its
   * specification says, its files and, for a published ensemble, its members, on {@code device}.
   *
   * @throws ModelException when the specification declares no format or no input shape this worker
   *     runs
   */
  public ModelSource modelSource(Device device) throws ModelException {
    return ModelSource.forSpec(source, sourceModel)
        .optFiles(sourceFiles)
        .optDevice(device)
        .optMembers(memberSources(device))
        .build();
  }

  /** The source's members as {@link #modelSource} gives them; empty unless it is an ensemble. */
  public List<ModelSource> memberSources(Device device) throws ModelException {
    return SourceInputs.modelSources(sourceMembers, device);
  }
}
