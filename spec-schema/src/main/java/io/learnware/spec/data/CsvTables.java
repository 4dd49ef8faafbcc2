package io.learnware.spec.data;

import io.learnware.spec.rkme.Matrix;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;

/**
 * Reads numeric tables from CSV files that start with a header row naming the columns.
 *
 * <p>The format is RFC 4180: cells separated by commas, optionally quoted with {@code "} (a quote
 * inside a quoted cell is doubled; quoted cells may hold commas and line breaks), lines ending in
 * CRLF or LF. A file whose name ends in {@code .gz} is decompressed. Blank lines and a leading
 * UTF-8 byte order mark are ignored. Empty cells, {@code NaN}, {@code nan} and {@code NA} are
 * missing values and read as NaN; {@code inf}, {@code Infinity} and their negatives are infinities.
 * Both are left for the consumer to handle (the RKME builder imputes column means).
 *
 * <p>Errors name the file, the line where the row starts and the column (number and header name).
 */
public final class CsvTables {

  /** Progress is reported every this many data rows. */
  static final int PROGRESS_ROWS = 4096;

  /** The longest bad cell a message repeats in full. */
  private static final int SHOWN_CELL_LENGTH = 40;

  /** Header names listed when a label column is not found. */
  private static final int SHOWN_NAMES = 8;

  /** The largest Java array. */
  private static final int MAX_VALUES = Integer.MAX_VALUE - 8;

  private CsvTables() {}

  /**
   * A table read from CSV.
   *
   * @param featureNames the header names of the feature columns, in file order
   * @param features one row per data row, one column per feature column (the label excluded)
   * @param labelColumn the label column's name, or null if none was asked for
   * @param labels the label cells, one per row, verbatim; empty without a label column
   */
  public record Table(
      List<String> featureNames, Matrix features, String labelColumn, List<String> labels) {

    public Table {
      featureNames = List.copyOf(featureNames);
      labels = List.copyOf(labels);
    }

    public boolean hasLabels() {
      return labelColumn != null;
    }
  }

  /**
   * Reads a whole table into memory.
   *
   * @param labelColumn the header name of a column to keep as label strings rather than features,
   *     or null
   * @param progress hears every {@value #PROGRESS_ROWS} rows and at the end
   * @throws DataFormatException if the content is not a numeric table with a header: the message
   *     names the file, line and column
   * @throws IOException if the file cannot be read
   */
  public static Table read(Path file, String labelColumn, ProgressListener progress)
      throws IOException, DataFormatException {
    try (DataFile data = DataFile.open(file)) {
      Reader reader = new InputStreamReader(data.in(), StandardCharsets.UTF_8);
      return new Parser(data, new Records(file, reader), labelColumn, progress).parse();
    }
  }

  /**
   * The header row's column names (RFC 4180 quoting; gzip told by name or magic number), so that a
   * caller can ask for a label column only when the file has one.
   *
   * @return the names, empty for an empty file
   */
  public static List<String> header(Path file) throws IOException, DataFormatException {
    try (DataFile data = DataFile.open(file)) {
      Records records = new Records(file, new InputStreamReader(data.in(), StandardCharsets.UTF_8));
      List<String> header = new ArrayList<>();
      return records.next(header) ? header : List.of();
    }
  }

  /** Parses one cell; missing values are NaN. */
  static double number(String cell) {
    String s = cell.strip();
    switch (s) {
      case "", "NaN", "nan", "NA" -> {
        return Double.NaN;
      }
      case "inf", "+inf", "Infinity", "+Infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-Infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        // Double.parseDouble also takes hexadecimal and "1.5f"; a CSV cell that looks like that is
        // more likely a mistake than a number.
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          if (!((c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '+'
              || c == 'e'
              || c == 'E')) {
            throw new NumberFormatException(s);
          }
        }
        return Double.parseDouble(s);
      }
    }
  }

  /** {@code file line 17, column 5 ("p3")}; the name is left out beyond the header. */
  static String at(Path file, long line, int column, List<String> header) {
    String where = "%s line %d, column %d".formatted(file, line, column + 1);
    return header != null && column < header.size()
        ? where + " (\"" + header.get(column) + "\")"
        : where;
  }

  private static String shown(String cell) {
    return cell.length() <= SHOWN_CELL_LENGTH ? cell : cell.substring(0, SHOWN_CELL_LENGTH) + "…";
  }

  /** Turns the records of a file into a table. */
  private static final class Parser {
    private final DataFile data;
    private final Records records;
    private final String labelColumn;
    private final ProgressListener progress;
    private final Path file;

    Parser(DataFile data, Records records, String labelColumn, ProgressListener progress) {
      this.data = data;
      this.records = records;
      this.labelColumn = labelColumn;
      this.progress = progress;
      this.file = data.path();
    }

    Table parse() throws IOException, DataFormatException {
      try {
        return parseRecords();
      } catch (EOFException e) {
        throw new DataFormatException(
            "%s: the compressed data ends early, after line %d (is the file truncated?)"
                .formatted(file, records.line()),
            e);
      } catch (ZipException e) {
        throw new DataFormatException(
            "%s: the compressed data is corrupt after line %d (%s)"
                .formatted(file, records.line(), e.getMessage()),
            e);
      }
    }

    private Table parseRecords() throws IOException, DataFormatException {
      List<String> header = new ArrayList<>();
      if (!records.next(header)) {
        throw new DataFormatException(
            file + ": the file is empty; expected a header row naming the columns");
      }
      long headerLine = records.recordLine();
      checkHeader(header, headerLine);
      records.header(header);
      int width = header.size();
      int label = labelIndex(header, headerLine);
      int dimension = label < 0 ? width : width - 1;
      if (dimension == 0) {
        throw new DataFormatException(
            "%s line %d: no feature columns besides the label column \"%s\""
                .formatted(file, headerLine, labelColumn));
      }
      List<String> featureNames = new ArrayList<>(header);
      if (label >= 0) {
        featureNames.remove(label);
      }

      // Room for about a thousand rows to start with, within reason for very wide tables.
      double[] values = new double[Math.max(dimension, Math.min(1 << 20, dimension * 1024))];
      int size = 0;
      List<String> labels = new ArrayList<>();
      List<String> cells = new ArrayList<>(width);
      int rows = 0;
      while (records.next(cells)) {
        long line = records.recordLine();
        checkWidth(cells, width, line, header);
        if (values.length - size < dimension) {
          values = grow(values, size + dimension);
        }
        for (int column = 0; column < width; column++) {
          String cell = cells.get(column);
          if (column == label) {
            labels.add(cell);
            continue;
          }
          try {
            values[size++] = number(cell);
          } catch (NumberFormatException e) {
            throw new DataFormatException(
                at(file, line, column, header) + ": \"" + shown(cell) + "\" is not a number");
          }
        }
        rows++;
        if (rows % PROGRESS_ROWS == 0) {
          data.report(progress);
        }
      }
      if (rows == 0) {
        throw new DataFormatException(
            "%s: no data rows after the header (line %d)".formatted(file, headerLine));
      }
      data.report(progress);
      Matrix features =
          new Matrix(rows, dimension, size == values.length ? values : Arrays.copyOf(values, size));
      return new Table(featureNames, features, label < 0 ? null : labelColumn, labels);
    }

    /** A first row of numbers is data: the file has no header, and its columns no names. */
    private void checkHeader(List<String> header, long line) throws DataFormatException {
      boolean allNumbers = true;
      for (String name : header) {
        try {
          allNumbers &= Double.isFinite(number(name));
        } catch (NumberFormatException e) {
          allNumbers = false;
        }
      }
      if (allNumbers) {
        String first = String.join(", ", header.subList(0, Math.min(header.size(), 3)));
        throw new DataFormatException(
            "%s line %d: expected a header row naming the columns, found numbers (%s%s)"
                .formatted(file, line, first, header.size() > 3 ? ", …" : ""));
      }
      Map<String, Integer> seen = new HashMap<>();
      for (int column = 0; column < header.size(); column++) {
        Integer earlier = seen.putIfAbsent(header.get(column), column);
        if (earlier != null) {
          throw new DataFormatException(
              "%s: the name repeats column %d"
                  .formatted(at(file, line, column, header), earlier + 1));
        }
      }
    }

    private int labelIndex(List<String> header, long line) throws DataFormatException {
      if (labelColumn == null) {
        return -1;
      }
      int index = header.indexOf(labelColumn);
      if (index < 0) {
        List<String> names =
            header.subList(0, Math.min(header.size(), SHOWN_NAMES)).stream()
                .map(name -> "\"" + name + "\"")
                .toList();
        throw new DataFormatException(
            "%s line %d: no column named \"%s\"; the header has %d columns: %s%s"
                .formatted(
                    file,
                    line,
                    labelColumn,
                    header.size(),
                    String.join(", ", names),
                    header.size() > SHOWN_NAMES ? ", …" : ""));
      }
      return index;
    }

    private void checkWidth(List<String> cells, int width, long line, List<String> header)
        throws DataFormatException {
      if (cells.size() < width) {
        throw new DataFormatException(
            "%s: missing; the row has %d cells, the header %d"
                .formatted(at(file, line, cells.size(), header), cells.size(), width));
      }
      if (cells.size() > width) {
        throw new DataFormatException(
            "%s: beyond the header; the row has %d cells, the header %d"
                .formatted(at(file, line, width, header), cells.size(), width));
      }
    }

    private double[] grow(double[] values, int needed) throws DataFormatException {
      if (needed < 0 || needed > MAX_VALUES) {
        throw new DataFormatException(
            "%s: too large to hold in memory: more than %,d numbers (line %d)"
                .formatted(file, MAX_VALUES, records.recordLine()));
      }
      int capacity = (int) Math.min(MAX_VALUES, Math.max(needed, values.length * 3L / 2));
      return Arrays.copyOf(values, capacity);
    }
  }

  /** Splits RFC 4180 text into records of cells, counting lines. */
  static final class Records {
    private final Path file;
    private final Reader in;
    private final char[] buffer = new char[1 << 16];
    private final StringBuilder cell = new StringBuilder();
    private int position;
    private int limit;
    private long line = 1;
    private long recordLine;
    private boolean started;
    private List<String> header;

    Records(Path file, Reader in) {
      this.file = file;
      this.in = in;
    }

    /** Names columns in later error messages. */
    void header(List<String> names) {
      this.header = names;
    }

    /** The line the last record started on (1-based). */
    long recordLine() {
      return recordLine;
    }

    /** The line being read. */
    long line() {
      return line;
    }

    /**
     * Reads the next record that is not a blank line into {@code cells}.
     *
     * @return false at the end of the input
     */
    boolean next(List<String> cells) throws IOException, DataFormatException {
      cells.clear();
      int c = read();
      while (c == '\r' || c == '\n') {
        endLine(c);
        c = read();
      }
      if (c < 0) {
        return false;
      }
      recordLine = line;
      while (true) {
        cell.setLength(0);
        if (c == '"') {
          c = quoted(cells.size());
          if (c >= 0 && c != ',' && c != '\r' && c != '\n') {
            throw new DataFormatException(
                "%s: unexpected '%c' after the closing quote; a quote inside a quoted cell is"
                        .formatted(at(file, line, cells.size(), header), (char) c)
                    + " written twice");
          }
        } else {
          while (c >= 0 && c != ',' && c != '\r' && c != '\n') {
            cell.append((char) c);
            c = read();
          }
        }
        cells.add(cell.toString());
        if (c != ',') {
          if (c >= 0) {
            endLine(c);
          }
          return true;
        }
        c = read();
      }
    }

    /** Reads a quoted cell after its opening quote; returns the character after the closing one. */
    private int quoted(int column) throws IOException, DataFormatException {
      long start = line;
      while (true) {
        int c = read();
        if (c < 0) {
          throw new DataFormatException(
              at(file, start, column, header) + ": the quoted cell that starts here never ends");
        }
        if (c == '"') {
          if (peek() != '"') {
            return read();
          }
          read();
        } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
          line++;
        }
        cell.append((char) c);
      }
    }

    /** Consumes a line break that started with {@code c} (CRLF, LF or a lone CR). */
    private void endLine(int c) throws IOException {
      if (c == '\r' && peek() == '\n') {
        read();
      }
      line++;
    }

    private int read() throws IOException {
      if (position == limit && !fill()) {
        return -1;
      }
      return buffer[position++];
    }

    private int peek() throws IOException {
      if (position == limit && !fill()) {
        return -1;
      }
      return buffer[position];
    }

    private boolean fill() throws IOException {
      int n;
      do {
        n = in.read(buffer, 0, buffer.length);
      } while (n == 0);
      if (n < 0) {
        return false;
      }
      // Spreadsheets write a byte order mark that is not part of the first column's name.
      position = !started && buffer[0] == '\uFEFF' ? 1 : 0;
      started = true;
      limit = n;
      return position < limit || fill();
    }
  }
}
