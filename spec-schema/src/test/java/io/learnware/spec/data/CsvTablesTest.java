package io.learnware.spec.data;

import static io.learnware.spec.data.TestFiles.DIGITS_HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.learnware.spec.data.CsvTables.Table;
import io.learnware.spec.rkme.Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTablesTest {

  /** Row 0 of the digits fixture: an 8×8 "0". */
  private static final double[] FIRST_DIGIT = {
    0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0,
    8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6,
    13, 10, 0, 0, 0
  };

  @TempDir Path tmp;

  @Test
  void readsTheDigitsWithTheirLabels() throws Exception {
    Path csv = TestFiles.digitsWithHeader(tmp, "digits.csv");

    Table table = CsvTables.read(csv, "label", ProgressListener.none());

    Matrix x = table.features();
    assertThat(x.rows()).isEqualTo(1797);
    assertThat(x.columns()).isEqualTo(64);
    assertThat(table.featureNames()).hasSize(64).startsWith("p0", "p1").endsWith("p63");
    assertThat(table.labelColumn()).isEqualTo("label");
    assertThat(table.hasLabels()).isTrue();
    assertThat(x.row(0)).containsExactly(FIRST_DIGIT);
    assertThat(x.row(1796)).startsWith(0, 0, 10, 14, 8, 1, 0, 0);
    assertThat(table.labels()).hasSize(1797).startsWith("0", "1", "2", "3").endsWith("8");
    assertThat(table.labels().stream().filter("3"::equals).count()).isEqualTo(183);
    assertThat(Arrays.stream(x.data()).min().orElseThrow()).isZero();
    assertThat(Arrays.stream(x.data()).max().orElseThrow()).isEqualTo(16);
    double meanOfColumn20 =
        IntStream.range(0, x.rows()).mapToDouble(i -> x.get(i, 20)).average().orElseThrow();
    assertThat(meanOfColumn20).isCloseTo(7.09794101279911, within(1e-12));
  }

  @Test
  void withoutALabelEveryColumnIsAFeature() throws Exception {
    Path csv = TestFiles.digitsWithHeader(tmp, "digits.csv");

    Table table = CsvTables.read(csv, null, ProgressListener.none());

    assertThat(table.features().columns()).isEqualTo(65);
    assertThat(table.featureNames()).endsWith("p63", "label");
    assertThat(table.hasLabels()).isFalse();
    assertThat(table.labels()).isEmpty();
    assertThat(table.features().get(1796, 64)).isEqualTo(8);
  }

  @Test
  void gzipIsDecompressedByName() throws Exception {
    Table plain =
        CsvTables.read(
            TestFiles.digitsWithHeader(tmp, "digits.csv"), "label", ProgressListener.none());
    Table gzipped =
        CsvTables.read(
            TestFiles.digitsWithHeader(tmp, "digits.csv.gz"), "label", ProgressListener.none());

    assertThat(gzipped).isEqualTo(plain);
  }

  @Test
  void quotingCrlfBlankLinesAndAByteOrderMark() throws Exception {
    Path csv =
        TestFiles.write(
            tmp.resolve("quoted.csv"),
            "\uFEFF\"width, cm\",height,\"the \"\"class\"\"\"\r\n"
                + "1.5,\"2\",\"cat\"\r\n"
                + "\r\n"
                + "  -3e2 ,4,\"two\r\nlines\"\r\n"
                + "5,6,\n");

    Table table = CsvTables.read(csv, "the \"class\"", ProgressListener.none());

    assertThat(table.featureNames()).containsExactly("width, cm", "height");
    assertThat(table.features().toArrays())
        .isDeepEqualTo(new double[][] {{1.5, 2}, {-300, 4}, {5, 6}});
    assertThat(table.labels()).containsExactly("cat", "two\r\nlines", "");
  }

  @Test
  void missingValuesAreNaNAndInfinitiesAreKept() throws Exception {
    Path csv =
        TestFiles.write(
            tmp.resolve("gaps.csv"), "a,b,c,d,e\n1,,NaN,nan,NA\ninf,-Infinity, 2 ,+4.5,-0\n");

    Matrix x = CsvTables.read(csv, null, ProgressListener.none()).features();

    assertThat(x.row(0)).containsExactly(1, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    assertThat(x.row(1))
        .containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2, 4.5, -0.0);
  }

  @Test
  void progressIsReportedEveryFewThousandRowsUpToTheFileSize() throws Exception {
    List<String> lines = TestFiles.digitsLines();
    List<String> thrice = new ArrayList<>(List.of(DIGITS_HEADER));
    for (int i = 0; i < 3; i++) {
      thrice.addAll(lines);
    }
    Path csv = TestFiles.write(tmp.resolve("big.csv"), String.join("\n", thrice));
    long size = Files.size(csv);
    List<long[]> calls = new ArrayList<>();

    Table table =
        CsvTables.read(csv, "label", (read, total) -> calls.add(new long[] {read, total}));

    assertThat(table.features().rows()).isEqualTo(3 * 1797);
    // After row 4096 and at the end.
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0)[0]).isBetween(1L, size);
    assertThat(calls.get(1)).containsExactly(size, size);
  }

  @Test
  void aWordInANumericColumnNamesLineAndColumn() {
    List<String> lines = new ArrayList<>(TestFiles.digitsLines());
    // File line 17 is data row 16 (line 1 is the header); column 5 is p4.
    String[] cells = lines.get(15).split(",");
    cells[4] = "abc";
    lines.set(15, String.join(",", cells));
    Path csv = write("digits.csv", DIGITS_HEADER, lines);

    assertThatThrownBy(() -> CsvTables.read(csv, "label", ProgressListener.none()))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(csv + " line 17, column 5 (\"p4\"): \"abc\" is not a number");
  }

  @Test
  void numbersOnlyJavaWouldAcceptAreRefused() {
    Path hex = TestFiles.write(tmp.resolve("hex.csv"), "a,b\n1,0x1p3\n");
    Path suffix = TestFiles.write(tmp.resolve("suffix.csv"), "a,b\n1.5f,2\n");

    assertThatThrownBy(() -> CsvTables.read(hex, null, ProgressListener.none()))
        .hasMessage(hex + " line 2, column 2 (\"b\"): \"0x1p3\" is not a number");
    assertThatThrownBy(() -> CsvTables.read(suffix, null, ProgressListener.none()))
        .hasMessage(suffix + " line 2, column 1 (\"a\"): \"1.5f\" is not a number");
  }

  @Test
  void aLongBadCellIsShortenedInTheMessage() {
    String cell = "x".repeat(100);
    Path csv = TestFiles.write(tmp.resolve("long.csv"), "a\n" + cell + "\n");

    assertThatThrownBy(() -> CsvTables.read(csv, null, ProgressListener.none()))
        .hasMessage(csv + " line 2, column 1 (\"a\"): \"" + "x".repeat(40) + "…\" is not a number");
  }

  @Test
  void aShortRowNamesTheFirstMissingColumn() {
    List<String> lines = new ArrayList<>(TestFiles.digitsLines());
    String line = lines.get(99);
    lines.set(99, line.substring(0, line.lastIndexOf(',')));
    Path csv = write("short.csv", DIGITS_HEADER, lines);

    assertThatThrownBy(() -> CsvTables.read(csv, "label", ProgressListener.none()))
        .hasMessage(
            csv + " line 101, column 65 (\"label\"): missing; the row has 64 cells, the header 65");
  }

  @Test
  void aLongRowNamesTheFirstExtraColumn() {
    Path csv = TestFiles.write(tmp.resolve("long-row.csv"), "a,b\n1,2\n\n3,4,5,6\n");

    assertThatThrownBy(() -> CsvTables.read(csv, null, ProgressListener.none()))
        .hasMessage(
            csv + " line 4, column 3: beyond the header; the row has 4 cells, the header 2");
  }

  @Test
  void anUnknownLabelColumnListsTheHeader() {
    Path csv = TestFiles.digitsWithHeader(tmp, "digits.csv.gz");

    assertThatThrownBy(() -> CsvTables.read(csv, "target", ProgressListener.none()))
        .hasMessage(
            csv
                + " line 1: no column named \"target\"; the header has 65 columns: \"p0\", \"p1\","
                + " \"p2\", \"p3\", \"p4\", \"p5\", \"p6\", \"p7\", …");
  }

  @Test
  void theFixtureWithoutAHeaderIsRefused() {
    assertThatThrownBy(() -> CsvTables.read(TestFiles.DIGITS, null, ProgressListener.none()))
        .hasMessage(
            TestFiles.DIGITS
                + " line 1: expected a header row naming the columns, found numbers (0, 0, 5, …)");
  }

  @Test
  void emptyFilesAndHeadersWithoutRowsAreRefused() {
    Path empty = TestFiles.write(tmp.resolve("empty.csv"), "\n\n");
    Path headerOnly = TestFiles.write(tmp.resolve("header.csv"), "a,b\n");
    Path labelOnly = TestFiles.write(tmp.resolve("label.csv"), "y\n1\n");

    assertThatThrownBy(() -> CsvTables.read(empty, null, ProgressListener.none()))
        .hasMessage(empty + ": the file is empty; expected a header row naming the columns");
    assertThatThrownBy(() -> CsvTables.read(headerOnly, null, ProgressListener.none()))
        .hasMessage(headerOnly + ": no data rows after the header (line 1)");
    assertThatThrownBy(() -> CsvTables.read(labelOnly, "y", ProgressListener.none()))
        .hasMessage(labelOnly + " line 1: no feature columns besides the label column \"y\"");
  }

  @Test
  void aRepeatedColumnNameIsRefused() {
    Path csv = TestFiles.write(tmp.resolve("repeat.csv"), "a,b,a\n1,2,3\n");

    assertThatThrownBy(() -> CsvTables.read(csv, null, ProgressListener.none()))
        .hasMessage(csv + " line 1, column 3 (\"a\"): the name repeats column 1");
  }

  @Test
  void brokenQuotingNamesWhereItStarts() {
    Path unclosed = TestFiles.write(tmp.resolve("unclosed.csv"), "a,b\n1,2\n3,\"4\n5,6\n");
    Path afterQuote = TestFiles.write(tmp.resolve("after.csv"), "a,b\n\"1\"2,3\n");

    assertThatThrownBy(() -> CsvTables.read(unclosed, null, ProgressListener.none()))
        .hasMessage(
            unclosed + " line 3, column 2 (\"b\"): the quoted cell that starts here never ends");
    assertThatThrownBy(() -> CsvTables.read(afterQuote, null, ProgressListener.none()))
        .hasMessage(
            afterQuote
                + " line 2, column 1 (\"a\"): unexpected '2' after the closing quote; a quote inside"
                + " a quoted cell is written twice");
  }

  @Test
  void damagedGzipIsReportedAsSuch() throws IOException {
    Path notGzip = Files.writeString(tmp.resolve("plain.csv.gz"), "a,b\n1,2\n");
    Path full = TestFiles.digitsWithHeader(tmp, "full.csv.gz");
    byte[] bytes = Files.readAllBytes(full);
    Path cut = Files.write(tmp.resolve("cut.csv.gz"), Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> CsvTables.read(notGzip, null, ProgressListener.none()))
        .hasMessage(notGzip + ": not a gzip file (Not in GZIP format)");
    assertThatThrownBy(() -> CsvTables.read(cut, "label", ProgressListener.none()))
        .hasMessageStartingWith(cut + ": the compressed data ends early, after line ")
        .hasMessageEndingWith(" (is the file truncated?)");
  }

  @Test
  void aMissingFileIsAnIoError() {
    Path missing = tmp.resolve("missing.csv");

    assertThatThrownBy(() -> CsvTables.read(missing, null, ProgressListener.none()))
        .isInstanceOf(NoSuchFileException.class);
  }

  private Path write(String name, String header, List<String> lines) {
    return TestFiles.write(tmp.resolve(name), header + "\n" + String.join("\n", lines) + "\n");
  }
}
