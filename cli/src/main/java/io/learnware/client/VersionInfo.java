package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One version of a learnware, as {@code GET /learnwares/{owner}/{name}/versions/{ref}} describes
 * it.
 *
 * @param learnware {@code owner/name@version}
 * @param model the model artifact ({@code format} set)
 * @param files the extra artifacts ({@code filename} set)
 * @param spec the specification document
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VersionInfo(
    String learnware,
    String owner,
    String name,
    int version,
    String state,
    List<String> aliases,
    Artifact model,
    List<Artifact> files,
    JsonNode spec) {

  public VersionInfo {
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    files = files == null ? List.of() : List.copyOf(files);
  }

  /** A stored artifact, addressed by its SHA-256. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Artifact(String filename, String format, String sha256, long size) {}
}
