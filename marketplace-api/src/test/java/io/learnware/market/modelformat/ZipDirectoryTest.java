package io.learnware.market.modelformat;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.support.HostileFiles;
import io.learnware.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The central-directory checks, with small limits so that every one of them trips quickly. */
class ZipDirectoryTest {

  private static final ZipDirectory.Limits DEFAULTS =
      new ZipDirectory.Limits(4L << 30, 10_000, 100, 1 << 20);

  @TempDir Path dir;

  @Test
  void realTorchScriptFilesPass() throws Exception {
    for (String fixture :
        new String[] {"digits-mlp/model.pt", "digits-mlp/features.pt", "fashion-cnn/model.pt"}) {
      assertThat(ZipDirectory.isZip(Fixtures.path(fixture))).isTrue();
      assertThat(ZipDirectory.problem(Fixtures.path(fixture), DEFAULTS)).isEmpty();
    }
    assertThat(ZipDirectory.isZip(Fixtures.path("digits-mlp/model.onnx"))).isFalse();
    assertThat(ZipDirectory.problem(Fixtures.path("digits-mlp/model.onnx"), DEFAULTS)).isEmpty();
  }

  @Test
  void aHighlyCompressedEntryIsRefusedByItsRatio() throws Exception {
    Path bomb = HostileFiles.zipBomb(dir, 64L << 20);
    assertThat(ZipDirectory.problem(bomb, DEFAULTS))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains("'archive/data/0' inflates")
                    .contains("to " + (64L << 20))
                    .contains("ratio above 100:1"));
  }

  @Test
  void theTotalUncompressedSizeIsLimited() throws Exception {
    Path bomb = HostileFiles.zipBomb(dir, 3L << 20);
    ZipDirectory.Limits small = new ZipDirectory.Limits(1 << 20, 10_000, 100_000, 1 << 20);
    assertThat(ZipDirectory.problem(bomb, small))
        .hasValueSatisfying(
            p ->
                assertThat(p).contains("more than 1048576 bytes uncompressed").contains("3145731"));
  }

  @Test
  void theEntryCountIsCheckedFromTheEndRecord() throws Exception {
    Path many = HostileFiles.manyEntries(dir, 10);
    ZipDirectory.Limits small = new ZipDirectory.Limits(1 << 20, 12, 100, 1 << 20);
    assertThat(ZipDirectory.problem(many, small))
        .contains("the archive declares 13 entries; at most 12 are allowed");
  }

  @Test
  void namesThatLeaveTheFolderAreRefused() throws Exception {
    assertThat(problemOfName("archive/../../etc/cron.d/x")).contains("contains a '..' segment");
    assertThat(problemOfName("/etc/passwd")).contains("is an absolute path");
    assertThat(problemOfName("C:/Windows/x")).contains("is an absolute path");
    assertThat(problemOfName("archive\\..\\x")).contains("contains a backslash");
    assertThat(problemOfName("archive/data/..")).contains("'..' segment");
    assertThat(problemOfName("archive/data/..x")).isEmpty();
  }

  @Test
  void duplicateNamesAreRefused() throws Exception {
    Path file = HostileFiles.manyEntries(dir, 2);
    // Entries data/0 and data/1: rename the second to the first in both its headers.
    byte[] bytes =
        new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
            .replace("archive/data/1", "archive/data/0")
            .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(file, bytes);
    assertThat(ZipDirectory.problem(file, DEFAULTS))
        .contains("the entry name 'archive/data/0' appears twice");
  }

  @Test
  void aDirectoryThatDisagreesWithTheFileIsRefused() throws Exception {
    Path file = HostileFiles.withEntry(dir, "archive/data/0");
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int cen = centralEntry(bytes, "archive/data/0");
    buffer.putInt(cen + 20, 0x7ffffff0); // compressed size
    Files.write(file, bytes);
    assertThat(ZipDirectory.problem(file, DEFAULTS))
        .hasValueSatisfying(p -> assertThat(p).contains("more than the file's " + bytes.length));

    // Point the entry's directory record at another entry's local header.
    Path other = HostileFiles.withEntry(dir, "archive/data/0");
    byte[] second = Files.readAllBytes(other);
    ByteBuffer.wrap(second)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(centralEntry(second, "archive/data/0") + 42, 0);
    Files.write(other, second);
    assertThat(ZipDirectory.problem(other, DEFAULTS))
        .hasValueSatisfying(p -> assertThat(p).contains("overlap"));
  }

  private String problemOfName(String name) throws Exception {
    return ZipDirectory.problem(HostileFiles.withEntry(dir, name), DEFAULTS).orElse("");
  }

  /** The offset of the central-directory record of {@code name}. */
  private static int centralEntry(byte[] zip, String name) {
    ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at + 46 + wanted.length <= zip.length; at++) {
      if (buffer.getInt(at) == 0x02014b50
          && (buffer.getShort(at + 28) & 0xffff) == wanted.length
          && java.util.Arrays.equals(
              zip, at + 46, at + 46 + wanted.length, wanted, 0, wanted.length)) {
        return at;
      }
    }
    throw new AssertionError("no central entry " + name);
  }
}
