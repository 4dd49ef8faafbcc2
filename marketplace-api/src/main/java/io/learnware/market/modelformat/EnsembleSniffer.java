package io.learnware.market.modelformat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.market.MarketConfig;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A published ensemble's model is an {@code ensemble.json}: small JSON, so unlike the other formats
 * it is read whole (up to {@code learnware.upload.max-ensemble-size}) and checked against its
 * schema. Whether its pins name real, usable versions is checked where the version is recorded
 * ({@code EnsemblePins}), under the members' locks.
 */
@ApplicationScoped
public class EnsembleSniffer implements ModelFormatSniffer {

  private final SpecValidator validator;
  private final long maxBytes;

  @Inject
  public EnsembleSniffer(SpecValidator validator, MarketConfig config) {
    this(validator, config.upload().maxEnsembleSize().asLongValue());
  }

  EnsembleSniffer(SpecValidator validator, long maxBytes) {
    this.validator = validator;
    this.maxBytes = maxBytes;
  }

  @Override
  public String format() {
    return "ensemble";
  }

  @Override
  public Optional<String> mismatch(Path file) throws IOException {
    if (Files.size(file) > maxBytes) {
      return Optional.of(
          "an ensemble.json is at most " + maxBytes + " bytes; this one has " + Files.size(file));
    }
    JsonNode document;
    try {
      document = SpecDocuments.mapper().readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      return Optional.of(
          "the file is not an ensemble.json (not JSON: " + e.getOriginalMessage() + ")");
    }
    List<Violation> violations = validator.validateEnsemble(document);
    if (violations.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "the ensemble.json is invalid ("
            + violations.stream()
                .limit(5)
                .map(v -> (v.pointer().isEmpty() ? "/" : v.pointer()) + ": " + v.message())
                .collect(Collectors.joining("; "))
            + (violations.size() > 5 ? "; and " + (violations.size() - 5) + " more" : "")
            + ")");
  }
}
