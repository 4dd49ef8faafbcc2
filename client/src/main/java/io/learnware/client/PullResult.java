package io.learnware.client;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link LearnwareClient#pull} wrote. Paths and the reference are written as plain strings in
 * JSON.
 *
 * @param ref the version pulled, with its number (an alias resolved)
 * @param files the specification, the model and the extra files, in that order
 */
public record PullResult(
    @JsonSerialize(using = ToStringSerializer.class) LearnwareRef ref,
    @JsonSerialize(using = ToStringSerializer.class) Path directory,
    List<PulledFile> files) {

  public PullResult {
    files = List.copyOf(files);
  }

  /**
   * One file written.
   *
   * @param role {@code spec}, {@code model} or {@code file}
   * @param fromCache whether the bytes came from the local cache rather than the network
   */
  public record PulledFile(
      String role,
      @JsonSerialize(using = ToStringSerializer.class) Path path,
      String sha256,
      long size,
      boolean fromCache) {}
}
