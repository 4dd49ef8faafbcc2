package io.learnware.market.storage;

import io.learnware.market.MarketConfig;
import io.learnware.market.problem.MarketException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps free disk space in reserve (issue 13): an upload that would leave less than {@code
 * learnware.upload.min-free-disk} on the data directory's disk is refused with 507 before any of it
 * is staged, so that blobs never fill the disk the database writes to.
 */
@ApplicationScoped
public class DiskReserve {

  private final Path dataDir;
  private final long reserve;

  public DiskReserve(MarketConfig config) {
    this.dataDir = config.dataDir();
    this.reserve = config.upload().minFreeDisk().asLongValue();
  }

  /**
   * @param bytes what the upload declares it will write (its Content-Length), 0 when unknown
   */
  public void requireRoom(long bytes) {
    long free;
    try {
      Files.createDirectories(dataDir);
      free = Files.getFileStore(dataDir).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (free - Math.max(0, bytes) < reserve) {
      throw new MarketException.InsufficientStorage(
          "The market's disk is nearly full: %d MiB free, %d MiB kept in reserve, this upload needs %d MiB. Try again later."
              .formatted(free >> 20, reserve >> 20, Math.max(0, bytes) >> 20));
    }
  }
}
