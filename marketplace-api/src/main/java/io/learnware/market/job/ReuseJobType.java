package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.account.Caller;
import io.learnware.market.job.JobDtos.JobRequest;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.learnware.LearnwareService;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.learnware.PublishedCommand;
import io.learnware.market.problem.MarketException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * {@code reuse}: several learnwares combined on the requester's data (docs/reuse.md), which are
 * {@link ReuseSources}; with {@code params.publish} the combination becomes a published ensemble.
 */
@ApplicationScoped
public class ReuseJobType implements JobType {

  private final LearnwareService learnwares;

  public ReuseJobType(LearnwareService learnwares) {
    this.learnwares = learnwares;
  }

  @Override
  public String name() {
    return "reuse";
  }

  @Override
  public void checkRequest(JobRequest request, LearnwareVersion source) {
    if (request.dataset() == null) {
      throw new MarketException.InvalidInput(
          "/dataset", "a reuse job needs a data set to predict (labelled, to be measured)");
    }
  }

  @Override
  public JsonNode params(
      Caller caller, JobRequest request, LearnwareVersion source, boolean target) {
    return ReuseSources.resolve(caller, request.params(), source, target);
  }

  @Override
  public boolean createsVersion(JsonNode params) {
    return ReuseSources.publishes(params);
  }

  @Override
  public String targetSuffix() {
    return "ensemble";
  }

  @Override
  public List<LearnwareVersion> otherSources(Job job) {
    return ReuseSources.others(job.params);
  }

  /** A published ensemble's pins write to its members' learnwares. */
  @Override
  public List<String> resultSources(Job job) {
    return ReuseSources.publishes(job.params)
        ? ReuseSources.learnwares(job.sourceRef, job.params)
        : List.of();
  }

  /**
   * The report measures a combination on the requester's own data: it belongs to the job (and to
   * the ensemble the job publishes, if it does), not to any one of the versions combined.
   */
  @Override
  public Completion complete(Job job, ObjectNode report, CompleteCommand result) {
    if (!report.path("rows").isInt() || !report.path("learnwares").isArray()) {
      throw new MarketException.InvalidInput(
          "/report", "a reuse report needs rows and learnwares (docs/reuse.md)");
    }
    if (!ReuseSources.publishes(job.params)) {
      return new Completion.Recorded(null);
    }
    if (result.spec() == null || result.model() == null) {
      throw new MarketException.InvalidInput(
          "/model", "a publishing reuse result needs the parts spec and model (ensemble.json)");
    }
    LearnwareVersion version;
    try {
      version =
          learnwares.recordPublished(
              new PublishedCommand(
                  job.requestedBy,
                  job.targetOwner,
                  job.targetName,
                  result.spec(),
                  result.model(),
                  result.files(),
                  ReuseSources.learnwares(job.sourceRef, job.params),
                  job.id,
                  job.targetVisibility));
    } catch (MarketException.EnsembleRefused refused) {
      // A member was deleted (or changed state) since the claim: the job cannot publish.
      return new Completion.Refused(refused.getMessage());
    }
    learnwares.addReport(version.id, job.id, job.type, report.toString());
    return new Completion.Recorded(version.id);
  }
}
