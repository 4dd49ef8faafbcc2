package io.learnware.market.backup;

import io.learnware.market.database.JdbcTarget;
import io.learnware.market.database.StartupSettings;
import io.learnware.market.storage.FilesystemBlobStore;
import io.learnware.market.storage.Fsync;
import io.learnware.market.storage.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code restore DIR}: a backup back into an empty data directory (and an empty database, the
 * embedded one created here or the external one configured). Every file is checked against the
 * manifest before it is used; on any failure the data directory is emptied again.
 */
final class Restore {

  private final StartupSettings settings;
  private final Progress progress;

  Restore(StartupSettings settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  void from(Path backup) throws IOException, SQLException {
    if (!BlobSource.storageSettings().type().equals("filesystem")) {
      throw new BackupException(
          "restore writes blobs to the data directory only, and this market's blob store is"
              + " learnware.storage.type="
              + BlobSource.storageSettings().type()
              + ": restore with LEARNWARE_STORAGE_TYPE=filesystem, then copy DATA_DIR/blobs/*/*/<sha256>"
              + " to the bucket as <key prefix>blobs/<sha256> (docs/durability.md)");
    }
    Manifest manifest = Manifest.read(backup);
    verifyTableFiles(manifest, backup);
    Path dataDir = settings.dataDir().toAbsolutePath().normalize();
    requireEmpty(dataDir);
    progress.say(
        "Restoring the backup of %s (schema version %s) into %s",
        manifest.createdAt(), manifest.schemaVersion(), dataDir);
    Files.createDirectories(dataDir);
    try {
      try (MarketDatabase database = MarketDatabase.forRestore(settings, progress)) {
        requireEmptyDatabase(database.target());
        new Migrations(database.target()).migrateTo(manifest.schemaVersion(), progress);
        restoreBlobs(manifest, backup, dataDir);
        restoreDataFiles(manifest, backup, dataDir);
        progress.say("Loading %d tables", manifest.tables().size());
        try (Connection connection = database.target().connect()) {
          new TableLoad(connection, progress).load(manifest, backup);
        }
      }
    } catch (IOException | SQLException | RuntimeException e) {
      // The directory was empty: whatever is in it now is this restore's, half done.
      try {
        Trees.deleteContents(dataDir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    progress.say(
        "Restore complete: %d tables, %d blobs (%s); start the market on %s",
        manifest.tables().size(),
        manifest.blobs().size(),
        Progress.bytes(manifest.blobBytes()),
        dataDir);
  }

  /** Cheap next to the blobs, and a damaged dump would otherwise fail midway in COPY. */
  private void verifyTableFiles(Manifest manifest, Path backup) throws IOException {
    for (Manifest.Table table : manifest.tables()) {
      Path file = table.file(backup);
      if (!Files.isRegularFile(file)) {
        throw new BackupException(
            "table " + table.name() + " is missing from the backup (" + file + ")");
      }
      if (!Sha256.ofFile(file).equals(table.sha256())) {
        throw new BackupException(
            "the dump of table "
                + table.name()
                + " is damaged: its SHA-256 differs from the manifest's ("
                + file
                + ")");
      }
    }
  }

  private static void requireEmpty(Path dataDir) throws IOException {
    if (!Files.exists(dataDir)) {
      return;
    }
    if (!Files.isDirectory(dataDir)) {
      throw new BackupException("the data directory " + dataDir + " is not a directory");
    }
    try (Stream<Path> entries = Files.list(dataDir)) {
      List<String> names = entries.map(path -> path.getFileName().toString()).sorted().toList();
      if (!names.isEmpty()) {
        throw new BackupException(
            "the data directory "
                + dataDir
                + " is not empty (it holds "
                + String.join(", ", names.subList(0, Math.min(5, names.size())))
                + (names.size() > 5 ? ", …" : "")
                + "): restore needs an empty or new one (set LEARNWARE_DATA_DIR or --data-dir)");
      }
    }
  }

  /** An external database may have the schema already (a failed restore), but no rows. */
  private static void requireEmptyDatabase(JdbcTarget target) throws SQLException {
    try (Connection connection = target.connect()) {
      SchemaCatalog catalog = new SchemaCatalog(connection);
      for (String table : catalog.tables()) {
        if (!table.equals(SchemaCatalog.HISTORY) && catalog.count(table) > 0) {
          throw new BackupException(
              "the database at "
                  + target
                  + " is not empty (table "
                  + table
                  + " has rows): restore needs an empty database");
        }
      }
    }
  }

  private void restoreBlobs(Manifest manifest, Path backup, Path dataDir) throws IOException {
    Path copies = FilesystemBlobStore.rootIn(backup);
    Path store = FilesystemBlobStore.rootIn(dataDir);
    Progress.Counter counter =
        progress.counter("blobs", manifest.blobs().size(), manifest.blobBytes());
    for (Manifest.Blob blob : manifest.blobs()) {
      counter.add(
          VerifiedCopy.copy(
              FilesystemBlobStore.pathIn(copies, blob.sha256()),
              FilesystemBlobStore.pathIn(store, blob.sha256()),
              blob.sha256(),
              blob.size(),
              "blob " + blob.sha256() + " in the backup"));
    }
    if (Files.isDirectory(store)) {
      Fsync.tree(store);
    }
  }

  /** Token files: the owner's eyes only, as the market writes them. */
  private void restoreDataFiles(Manifest manifest, Path backup, Path dataDir) throws IOException {
    for (Manifest.DataFile file : manifest.files()) {
      Path source = file.file(backup);
      if (!Files.isRegularFile(source) || !Sha256.ofFile(source).equals(file.sha256())) {
        throw new BackupException(
            file.name() + " in the backup is missing or damaged (" + source + ")");
      }
      Path target = dataDir.resolve(file.name());
      Files.createFile(
          target,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(target, Files.readAllBytes(source));
      Fsync.force(target);
      progress.say("Restored %s", file.name());
    }
  }
}
