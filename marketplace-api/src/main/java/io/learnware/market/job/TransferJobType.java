package io.learnware.market.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.job.JobDtos.JobRequest;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.learnware.LearnwareService;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.problem.MarketException;
import io.learnware.spec.SpecDocuments;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code transfer}: a new head on the source's backbone for the requester's data
 * (docs/transfer.md).
 */
@ApplicationScoped
public class TransferJobType implements DerivingJobType {

  private final LearnwareService learnwares;

  public TransferJobType(LearnwareService learnwares) {
    this.learnwares = learnwares;
  }

  @Override
  public String name() {
    return "transfer";
  }

  @Override
  public String relation() {
    return "transferred";
  }

  @Override
  public Completion complete(Job job, ObjectNode report, CompleteCommand result) {
    return DerivingJobType.record(learnwares, job, report, result, relation());
  }

  @Override
  public void checkRequest(JobRequest request, LearnwareVersion source) {
    if (request.dataset() == null) {
      throw new MarketException.InvalidInput(
          "/dataset", "a transfer needs a labelled data set of the new task (owner/name)");
    }
    JsonNode model = modelOf(source);
    boolean extractor = model.hasNonNull("featureExtractor");
    boolean marketBuilt = "djl".equals(model.path("format").asText());
    if (!extractor && !marketBuilt) {
      throw new MarketException.InvalidInput(
          "/source",
          "has no feature extractor to transfer: its specification declares no"
              + " model.featureExtractor, and it is not a network the market built (format djl)");
    }
  }

  private static JsonNode modelOf(LearnwareVersion version) {
    try {
      return SpecDocuments.mapper().readTree(version.spec).path("model");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored specification is not JSON", e);
    }
  }
}
