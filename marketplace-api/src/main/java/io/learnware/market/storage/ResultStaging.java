package io.learnware.market.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Stages multipart files that arrive through JAX-RS (job results, data sets): Quarkus deletes its
 * upload files after the request, and the blob store moves what it keeps, so each part is copied,
 * hashed, into the upload staging directory on the blob store's file system.
 */
@ApplicationScoped
public class ResultStaging {

  private final Path directory;

  public ResultStaging(TemporaryFiles temporaryFiles) {
    this.directory = temporaryFiles.uploads();
  }

  /** A staged, hashed copy of the part, or null for a missing part. */
  public StagedFile stage(FileUpload upload) {
    if (upload == null) {
      return null;
    }
    try {
      Files.createDirectories(directory);
      Path copy = Files.createTempFile(directory, "part-", ".part");
      Files.copy(upload.uploadedFile(), copy, StandardCopyOption.REPLACE_EXISTING);
      return new StagedFile(upload.fileName(), copy, Files.size(copy), Sha256.ofFile(copy));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes what the blob store did not take (a refused request); leftovers go at next start. */
  public void discard(StagedFile file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file.path());
      } catch (IOException e) {
        // TemporaryFiles removes leftovers at start.
      }
    }
  }
}
