package io.learnware.market.support;

import io.learnware.market.storage.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What must hold of a market's data directory whatever happened to it (issue 13): read behind the
 * API, from its database and its files. Each check returns what is wrong, empty when nothing is.
 */
public final class StoreInvariants {

  /** Every column that refers to a blob; each row counts one reference. */
  private static final String REFERENCES =
      """
      SELECT sha256, count(*) FROM (
          SELECT model_sha256 AS sha256 FROM learnware_version
          UNION ALL SELECT sha256 FROM version_file
          UNION ALL SELECT data_sha256 FROM dataset
          UNION ALL SELECT labels_sha256 FROM dataset WHERE labels_sha256 IS NOT NULL
      ) r GROUP BY sha256
      """;

  private StoreInvariants() {}

  /** All of the checks below. */
  public static List<String> violations(MarketProcess market) throws IOException, SQLException {
    List<String> wrong = new ArrayList<>();
    try (Connection db = market.database()) {
      wrong.addAll(blobs(db, market.dataDir().resolve("blobs")));
      wrong.addAll(references(db));
      wrong.addAll(versions(db));
    }
    wrong.addAll(noTemporaryFiles(market.dataDir()));
    return wrong;
  }

  /**
   * Every blob row has its file, of its size and SHA-256, and every file in the store has its row
   * (no orphans, no partial writes).
   */
  public static List<String> blobs(Connection db, Path store) throws SQLException, IOException {
    List<String> wrong = new ArrayList<>();
    Map<String, Long> rows = new HashMap<>();
    try (Statement statement = db.createStatement();
        ResultSet blobs = statement.executeQuery("SELECT sha256, size FROM blob")) {
      while (blobs.next()) {
        rows.put(blobs.getString(1), blobs.getLong(2));
      }
    }
    for (Map.Entry<String, Long> row : rows.entrySet()) {
      String sha = row.getKey();
      Path file = store.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
      if (!Files.isRegularFile(file)) {
        wrong.add("blob " + sha + " has no file");
      } else if (Files.size(file) != row.getValue()) {
        wrong.add(
            "blob " + sha + " is " + Files.size(file) + " bytes, its row says " + row.getValue());
      } else if (!Sha256.ofFile(file).equals(sha)) {
        wrong.add("blob " + sha + " has other bytes (SHA-256 " + Sha256.ofFile(file) + ")");
      }
    }
    if (Files.isDirectory(store)) {
      try (Stream<Path> files = Files.walk(store)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          if (!rows.containsKey(file.getFileName().toString())) {
            wrong.add("file " + store.relativize(file) + " has no blob row");
          }
        }
      }
    }
    return wrong;
  }

  /** Each blob's reference count is the number of rows that refer to it, and none is unused. */
  public static List<String> references(Connection db) throws SQLException {
    List<String> wrong = new ArrayList<>();
    Map<String, Long> counted = new HashMap<>();
    try (Statement statement = db.createStatement();
        ResultSet refs = statement.executeQuery(REFERENCES)) {
      while (refs.next()) {
        counted.put(refs.getString(1), refs.getLong(2));
      }
    }
    try (Statement statement = db.createStatement();
        ResultSet blobs = statement.executeQuery("SELECT sha256, refs FROM blob")) {
      while (blobs.next()) {
        long actual = counted.getOrDefault(blobs.getString(1), 0L);
        if (blobs.getLong(2) != actual) {
          wrong.add(
              "blob "
                  + blobs.getString(1)
                  + " counts "
                  + blobs.getLong(2)
                  + " refs, has "
                  + actual);
        }
      }
    }
    return wrong;
  }

  /** No learnware has a version above its last allocated number. */
  public static List<String> versions(Connection db) throws SQLException {
    List<String> wrong = new ArrayList<>();
    try (Statement statement = db.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT l.owner, l.name, l.last_version, max(v.version) FROM learnware l"
                    + " JOIN learnware_version v ON v.learnware_id = l.id"
                    + " GROUP BY l.id HAVING max(v.version) > l.last_version")) {
      while (rows.next()) {
        wrong.add(
            rows.getString(1)
                + "/"
                + rows.getString(2)
                + " has version "
                + rows.getInt(4)
                + " but allocated only "
                + rows.getInt(3));
      }
    }
    return wrong;
  }

  /** Nothing is left in the data directory's tmp (requests' parts) once no request runs. */
  public static List<String> noTemporaryFiles(Path dataDir) throws IOException {
    Path tmp = dataDir.resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(tmp)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> "temporary file left: " + dataDir.relativize(file))
          .toList();
    }
  }
}
