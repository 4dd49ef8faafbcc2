package io.learnware.worker.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a job produced: always a report; for jobs that create a learnware, its specification and
 * artifacts; for validation, the verdict on the source version.
 *
 * @param report the job's report object (contract: names per job type)
 * @param resultSpec the new version's specification, when the job creates one
 * @param resultModel the new version's model artifact, with {@code resultSpec}
 * @param resultFiles extra artifacts of the new version by filename
 * @param usable for {@code validate}: whether the source version is usable
 */
public record JobOutcome(
    JsonNode report,
    Optional<JsonNode> resultSpec,
    Optional<Path> resultModel,
    Map<String, Path> resultFiles,
    Optional<Boolean> usable) {

  /** A report on the source version, e.g. a validation with its verdict. */
  public static JobOutcome verdict(JsonNode report, boolean usable) {
    return new JobOutcome(
        report, Optional.empty(), Optional.empty(), Map.of(), Optional.of(usable));
  }

  /** A new learnware version with its report. */
  public static JobOutcome newVersion(
      JsonNode report, JsonNode spec, Path model, Map<String, Path> files) {
    return new JobOutcome(report, Optional.of(spec), Optional.of(model), files, Optional.empty());
  }
}
