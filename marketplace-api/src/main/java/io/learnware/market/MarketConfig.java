package io.learnware.market;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The market's own settings ({@code learnware.*}, or the matching {@code LEARNWARE_*} environment
 * variables).
 */
@ConfigMapping(prefix = "learnware")
public interface MarketConfig {

  String DEFAULT_DATA_DIR = "./.market-data";

  /** Directory for blobs, the embedded database, upload staging and the generated admin token. */
  @WithDefault(DEFAULT_DATA_DIR)
  Path dataDir();

  /**
   * Token of the {@code admin} user created on first start; generated (and written to the data dir)
   * if absent.
   */
  Optional<String> adminToken();

  Storage storage();

  Upload upload();

  /** Where artifact bytes are kept. */
  interface Storage {
    /** The {@code BlobStore} implementation, by its identifier. */
    @WithDefault("filesystem")
    String type();
  }

  /** Limits on uploads. */
  interface Upload {
    /**
     * Largest accepted upload request (model, extra files and spec together); larger ones get 413.
     */
    @WithDefault("8G")
    MemorySize maxSize();

    /** Largest accepted specification document. */
    @WithDefault("4M")
    MemorySize maxSpecSize();
  }
}
