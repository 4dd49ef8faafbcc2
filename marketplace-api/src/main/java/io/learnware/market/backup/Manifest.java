package io.learnware.market.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code manifest.json}: what a backup holds and how to check it. Written last, so a directory
 * without one is no backup.
 *
 * @param format of the backup directory, {@value #FORMAT}; a restore refuses newer ones
 * @param createdAt when the database snapshot was taken (ISO-8601)
 * @param schemaVersion the Flyway version of the dumped schema
 * @param tables every table of the schema, in {@code tables/<name>.copy} (PostgreSQL's COPY text
 *     format, UTC and ISO dates)
 * @param sequences every sequence's state when the snapshot was taken
 * @param blobs every blob the snapshot's {@code blob} table lists, in {@code blobs/ab/cd/<sha256>}
 * @param files files of the data directory besides the database and blobs, in {@code files/}
 */
record Manifest(
    int format,
    String createdAt,
    String schemaVersion,
    List<Table> tables,
    List<Sequence> sequences,
    List<Blob> blobs,
    List<DataFile> files) {

  static final int FORMAT = 1;
  static final String FILE = "manifest.json";

  /** Table names become file names: only plain lower-case SQL identifiers. */
  private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A table's dump: its columns in the order of the file, its row count and its file's SHA-256. */
  record Table(String name, List<String> columns, long rows, String sha256) {

    Path file(Path backup) {
      if (!TABLE_NAME.matcher(name).matches()) {
        throw new BackupException("table name " + name + " is not a plain SQL identifier");
      }
      return backup.resolve("tables").resolve(name + ".copy");
    }
  }

  record Sequence(String name, long lastValue, boolean called) {}

  record Blob(String sha256, long size) {}

  /** One of {@link DataFile#NAMES}, kept in {@code files/<name>}. */
  record DataFile(String name, String sha256) {

    /** The local worker's and the admin's token files (the database holds only hashes). */
    static final List<String> NAMES = List.of("worker-token", "admin-token");

    Path file(Path backup) {
      if (!NAMES.contains(name)) {
        throw new BackupException("unexpected data file " + name + " in the manifest");
      }
      return backup.resolve("files").resolve(name);
    }
  }

  long blobBytes() {
    return blobs.stream().mapToLong(Blob::size).sum();
  }

  void write(Path backup) throws IOException {
    JSON.writeValue(backup.resolve(FILE).toFile(), this);
  }

  static Manifest read(Path backup) throws IOException {
    Path file = backup.resolve(FILE);
    Manifest manifest;
    try {
      manifest = JSON.readValue(Files.readAllBytes(file), Manifest.class);
    } catch (NoSuchFileException e) {
      throw new BackupException(
          backup + " is not a complete backup: it has no " + FILE + " (written last)");
    }
    if (manifest.format() > FORMAT) {
      throw new BackupException(
          "the backup's format "
              + manifest.format()
              + " is newer than this market's ("
              + FORMAT
              + "); restore it with a newer market");
    }
    return manifest;
  }
}
