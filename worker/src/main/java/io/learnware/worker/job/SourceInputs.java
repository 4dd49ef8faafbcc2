package io.learnware.worker.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.LearnwareSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * A learnware version a job works on with its inputs downloaded and checked (a {@code reuse} job's
 * members).
 *
 * @param learnware {@code owner/name@version}
 */
public record SourceInputs(
    String learnware,
    LearnwareSpec spec,
    JsonNode specDocument,
    Path model,
    Map<String, Path> files) {}
