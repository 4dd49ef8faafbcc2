package io.learnware.market.learnware;

import java.nio.file.Path;
import java.util.List;

/**
 * An upload as received: the spec text and the parts already staged on local disk by the HTTP
 * layer.
 *
 * @param model null when the request had no {@code model} part
 */
public record UploadCommand(
    String owner, String name, String spec, StagedFile model, List<StagedFile> files) {

  /** A form part written to a local temporary file. */
  public record StagedFile(String filename, Path path, long size) {}
}
