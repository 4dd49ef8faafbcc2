package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.learnware.DerivedCommand;
import io.learnware.market.learnware.LearnwareService;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.problem.MarketException;
import java.util.List;

/**
 * A type whose result is always a new version derived from the job's source, with lineage and the
 * job's report (distillations, transfers). An interface, not a base class: CDI proxies need a
 * no-args constructor all the way up.
 */
interface DerivingJobType extends JobType {

  /** How a created version relates to its source, e.g. {@code distilled}; also its suffix. */
  String relation();

  @Override
  default boolean createsVersion(JsonNode params) {
    return true;
  }

  @Override
  default String targetSuffix() {
    return relation();
  }

  /** The lineage edge writes to the source's learnware. */
  @Override
  default List<String> resultSources(Job job) {
    return List.of(job.sourceRef);
  }

  /** Records the derived version with its lineage and the job's report. */
  static Completion record(
      LearnwareService learnwares,
      Job job,
      ObjectNode report,
      CompleteCommand result,
      String relation) {
    if (result.spec() == null || result.model() == null) {
      throw new MarketException.InvalidInput(
          "/model", "a " + job.type + " result needs the parts spec and model");
    }
    if (job.sourceVersionId == null) {
      // Deleted while the job ran: a version derived from it would have no lineage to show.
      return new Completion.Refused(
          "the source version "
              + job.sourceRef
              + " was deleted while the job ran; its result is not recorded");
    }
    LearnwareVersion version =
        learnwares.recordDerived(
            new DerivedCommand(
                job.requestedBy,
                job.targetOwner,
                job.targetName,
                result.spec(),
                result.model(),
                result.files(),
                job.sourceVersionId,
                relation,
                job.id,
                job.targetVisibility));
    learnwares.addReport(version.id, job.id, job.type, report.toString());
    return new Completion.Recorded(version.id);
  }
}
