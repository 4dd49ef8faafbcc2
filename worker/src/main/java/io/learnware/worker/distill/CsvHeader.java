package io.learnware.worker.distill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The column names of a CSV file, read before the table so that the label column is only asked for
 * when the file has one ({@link io.learnware.spec.data.CsvTables} rejects a missing one).
 */
final class CsvHeader {

  private CsvHeader() {}

  /** The first line's cells (RFC 4180 quoting), decompressing {@code .gz} files. */
  static List<String> read(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")
                    ? new GZIPInputStream(raw)
                    : raw,
                StandardCharsets.UTF_8))) {
      String line = in.readLine();
      return line == null ? List.of() : cells(line.startsWith("\uFEFF") ? line.substring(1) : line);
    }
  }

  private static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }
}
