package io.learnware.market.backup;

import io.learnware.market.MarketConfig;
import io.learnware.market.storage.FilesystemBlobStore;
import io.learnware.market.storage.S3BlobStore;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a backup reads the market's blobs: the data directory's files, or the S3 bucket when {@code
 * learnware.storage.type=s3}. The backup runs before (without) Quarkus, so the settings are read
 * from system properties and the environment as Quarkus would read them.
 */
interface BlobSource extends AutoCloseable {

  InputStream open(String sha256) throws IOException;

  /** Where a blob is, for messages. */
  String describe(String sha256);

  @Override
  void close();

  /** The market's storage settings, as {@code LEARNWARE_STORAGE_*} or system properties say. */
  static MarketConfig.Storage storageSettings() {
    return new SmallRyeConfigBuilder()
        .addDefaultSources()
        // Quarkus' own forms ("30S", "8M"), which plain SmallRye Config does not read.
        .withConverter(Duration.class, 200, new DurationConverter())
        .withConverter(MemorySize.class, 200, new MemorySizeConverter())
        .withMapping(MarketConfig.class)
        .withValidateUnknown(false)
        .build()
        .getConfigMapping(MarketConfig.class)
        .storage();
  }

  static BlobSource of(MarketConfig.Storage storage, Path dataDir) {
    return switch (storage.type()) {
      case "filesystem" -> files(FilesystemBlobStore.rootIn(dataDir));
      case "s3" -> s3(new S3BlobStore(storage.s3()));
      default ->
          throw new BackupException(
              "learnware.storage.type=" + storage.type() + " names no blob store (filesystem, s3)");
    };
  }

  private static BlobSource files(Path root) {
    return new BlobSource() {
      @Override
      public InputStream open(String sha256) throws IOException {
        return Files.newInputStream(FilesystemBlobStore.pathIn(root, sha256));
      }

      @Override
      public String describe(String sha256) {
        return FilesystemBlobStore.pathIn(root, sha256).toString();
      }

      @Override
      public void close() {}
    };
  }

  private static BlobSource s3(S3BlobStore store) {
    return new BlobSource() {
      @Override
      public InputStream open(String sha256) throws IOException {
        return store.open(sha256);
      }

      @Override
      public String describe(String sha256) {
        return store.location() + "blobs/" + sha256;
      }

      @Override
      public void close() {
        store.close();
      }
    };
  }
}
