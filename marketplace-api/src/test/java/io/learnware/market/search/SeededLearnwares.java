package io.learnware.market.search;

import io.learnware.spec.RkmeSpec;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import javax.sql.DataSource;

/**
 * Inserts usable learnwares with statistical specifications straight into the database, thousands a
 * second, for search tests and benchmarks: learnware {@code bench-i} of {@code owner} gets the RKME
 * {@code rkmes.apply(i)} and the model of the owner's learnware {@code model-holder} (which must
 * exist). Their spec documents leave out the RKME, which search never reads from there.
 */
final class SeededLearnwares {

  private SeededLearnwares() {}

  /**
   * A one-point RKME at {@code coordinates}: between two of them the MMD depends on the distance
   * alone, so tests know the order of results in advance.
   */
  static Rkme point(double gamma, double... coordinates) {
    return new Rkme(gamma, 100, new Matrix(1, coordinates.length, coordinates), new double[] {1});
  }

  /**
   * Adds learnwares {@code 0..count-1}, {@code bench-i} a point at {@code (i·step, 0, …)} in {@code
   * dimension} dimensions; call {@code StatisticalIndex.reload()} after.
   */
  static void seedOnALine(
      DataSource dataSource, String owner, int count, double gamma, int dimension, double step)
      throws Exception {
    seed(
        dataSource,
        owner,
        0,
        count,
        i -> {
          double[] at = new double[dimension];
          at[0] = i * step;
          return point(gamma, at).toSpec();
        });
  }

  /** Adds learnwares {@code from..to-1}; call {@code StatisticalIndex.reload()} after. */
  static void seed(
      DataSource dataSource, String owner, int from, int to, LongFunction<RkmeSpec> rkmes)
      throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      String sha;
      long size;
      try (PreparedStatement holder =
          connection.prepareStatement(
              "SELECT model_sha256, model_size FROM learnware_version v JOIN learnware l ON"
                  + " l.id = v.learnware_id WHERE l.owner = ? AND l.name = 'model-holder'")) {
        holder.setString(1, owner);
        try (ResultSet rows = holder.executeQuery()) {
          rows.next();
          sha = rows.getString(1);
          size = rows.getLong(2);
        }
      }
      try (PreparedStatement learnwares =
          connection.prepareStatement(
              "INSERT INTO learnware (owner, name, last_version) SELECT ?, 'bench-' || g, 1"
                  + " FROM generate_series(?, ?) g")) {
        learnwares.setString(1, owner);
        learnwares.setInt(2, from);
        learnwares.setInt(3, to - 1);
        learnwares.executeUpdate();
      }
      try (PreparedStatement versions =
          connection.prepareStatement(
              "INSERT INTO learnware_version (learnware_id, version, state, spec, spec_version,"
                  + " title, description, data_type, task, license, tags, model_format,"
                  + " model_sha256, model_size, created_by, input_dimension, output_dimension)"
                  + " SELECT l.id, 1, 'USABLE', CAST(? AS jsonb), 1, 'Bench ' || l.name,"
                  + " 'Synthetic learnware for the search benchmark.', 'table', 'classification',"
                  + " 'MIT', '{bench}', 'torchscript', ?, ?, ?, 64, 10 FROM learnware l"
                  + " WHERE l.owner = ? AND l.name LIKE 'bench-%' AND l.current_version_id IS NULL")) {
        versions.setString(1, "{\"specVersion\": 1, \"name\": \"bench\"}");
        versions.setString(2, sha);
        versions.setLong(3, size);
        versions.setString(4, owner);
        versions.setString(5, owner);
        versions.executeUpdate();
      }
      List<long[]> pending = new ArrayList<>();
      try (PreparedStatement current =
          connection.prepareStatement(
              "UPDATE learnware l SET current_version_id = v.id FROM learnware_version v"
                  + " WHERE v.learnware_id = l.id AND l.current_version_id IS NULL"
                  + " AND l.owner = ? AND l.name LIKE 'bench-%'"
                  + " RETURNING v.id, substr(l.name, 7)::int")) {
        current.setString(1, owner);
        try (ResultSet rows = current.executeQuery()) {
          while (rows.next()) {
            pending.add(new long[] {rows.getLong(1), rows.getLong(2)});
          }
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO version_rkme (version_id, space, gamma, dimension, points,"
                  + " squared_norm, sketch, z, beta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int start = 0; start < pending.size(); start += 1000) {
          List<VersionRkme> rows =
              pending.subList(start, Math.min(pending.size(), start + 1000)).parallelStream()
                  .map(p -> VersionRkme.of(p[0], rkmes.apply(p[1])))
                  .toList();
          for (VersionRkme row : rows) {
            insert.setLong(1, row.versionId);
            insert.setString(2, row.space);
            insert.setDouble(3, row.gamma);
            insert.setInt(4, row.dimension);
            insert.setInt(5, row.points);
            insert.setDouble(6, row.squaredNorm);
            insert.setBytes(7, row.sketch);
            insert.setBytes(8, row.z);
            insert.setBytes(9, row.beta);
            insert.addBatch();
          }
          insert.executeBatch();
        }
      }
      connection.commit();
      // A market's database has planner statistics (autovacuum gathers them within a minute of a
      // bulk change); without them a filter joins 10,000 rows by nested loop, three times slower.
      connection.setAutoCommit(true);
      try (Statement analyze = connection.createStatement()) {
        analyze.execute("ANALYZE learnware, learnware_version");
      }
    }
  }
}
