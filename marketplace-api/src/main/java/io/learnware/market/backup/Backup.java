package io.learnware.market.backup;

import io.learnware.market.database.StartupSettings;
import io.learnware.market.storage.BackupLock;
import io.learnware.market.storage.FilesystemBlobStore;
import io.learnware.market.storage.Fsync;
import io.learnware.market.storage.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code backup DIR}: a consistent copy of the market, taken while it runs. The database is dumped
 * from one snapshot; the blobs that snapshot lists are copied (each checked against its hash) while
 * {@link BackupLock} keeps the market from deleting any blob file. Everything is written to a
 * temporary directory beside {@code DIR}, renamed to {@code DIR} only when complete.
 */
final class Backup {

  private final StartupSettings settings;
  private final Progress progress;

  Backup(StartupSettings settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  void writeTo(Path target) throws IOException, SQLException {
    requireFree(target);
    Path parent = target.getParent();
    Files.createDirectories(parent);
    // Private: the backup holds every user's data and the token files.
    Path partial =
        Files.createTempDirectory(
            parent,
            target.getFileName() + ".partial-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    progress.say("Backing up the market in %s to %s", settings.dataDir(), target);
    try {
      Manifest manifest = write(partial);
      Fsync.tree(partial);
      Files.deleteIfExists(target); // an empty directory, checked above
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      Fsync.force(parent);
      progress.say(
          "Backup complete: %s (%d tables, %d rows, %d blobs, %s)",
          target,
          manifest.tables().size(),
          manifest.tables().stream().mapToLong(Manifest.Table::rows).sum(),
          manifest.blobs().size(),
          Progress.bytes(manifest.blobBytes()));
    } catch (IOException | SQLException | RuntimeException e) {
      Trees.deleteQuietly(partial, e);
      throw e;
    }
  }

  private static void requireFree(Path target) throws IOException {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new BackupException(target + " exists and is not a directory");
    }
    try (Stream<Path> entries = Files.list(target)) {
      if (entries.findAny().isPresent()) {
        throw new BackupException(
            target + " is not empty: a backup goes into a new (or empty) directory");
      }
    }
  }

  private Manifest write(Path partial) throws IOException, SQLException {
    try (MarketDatabase database = MarketDatabase.forBackup(settings, progress);
        Connection connection = database.target().connect()) {
      SchemaCatalog catalog = new SchemaCatalog(connection);
      catalog.pinSessionSettings();
      // Before the snapshot: blob files deleted before it are gone from it too, and none the
      // snapshot lists is deleted until the copies are done.
      try (Statement statement = connection.createStatement()) {
        statement.execute(BackupLock.HOLD);
      }
      SnapshotDump.Snapshot snapshot =
          new SnapshotDump(connection, catalog, progress).writeTo(partial);
      connection.commit();
      copyBlobs(snapshot.blobs(), partial);
      try (Statement statement = connection.createStatement()) {
        statement.execute(BackupLock.RELEASE);
      }
      Manifest manifest =
          new Manifest(
              Manifest.FORMAT,
              snapshot.takenAt(),
              snapshot.schemaVersion(),
              snapshot.tables(),
              snapshot.sequences(),
              snapshot.blobs(),
              copyDataFiles(partial));
      manifest.write(partial);
      return manifest;
    }
  }

  /** Copies from the blob store in use: the data directory's files, or the S3 bucket. */
  private void copyBlobs(List<Manifest.Blob> blobs, Path partial) throws IOException {
    Path copies = FilesystemBlobStore.rootIn(partial);
    Progress.Counter counter =
        progress.counter(
            "blobs", blobs.size(), blobs.stream().mapToLong(Manifest.Blob::size).sum());
    try (BlobSource store = BlobSource.of(BlobSource.storageSettings(), settings.dataDir())) {
      for (Manifest.Blob blob : blobs) {
        counter.add(
            VerifiedCopy.copy(
                () -> store.open(blob.sha256()),
                store.describe(blob.sha256()),
                FilesystemBlobStore.pathIn(copies, blob.sha256()),
                blob.sha256(),
                blob.size(),
                "blob " + blob.sha256() + " in the blob store"));
      }
    }
  }

  private List<Manifest.DataFile> copyDataFiles(Path partial) throws IOException {
    List<Manifest.DataFile> files = new ArrayList<>();
    for (String name : Manifest.DataFile.NAMES) {
      Path source = settings.dataDir().resolve(name);
      if (Files.isRegularFile(source)) {
        Path copy = partial.resolve("files").resolve(name);
        Files.createDirectories(copy.getParent());
        Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
        files.add(new Manifest.DataFile(name, Sha256.ofFile(copy)));
        progress.say("Copied %s", name);
      }
    }
    return files;
  }
}
