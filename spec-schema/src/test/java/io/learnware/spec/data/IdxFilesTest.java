package io.learnware.spec.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.learnware.spec.data.IdxFiles.Images;
import io.learnware.spec.data.IdxFiles.LabeledImages;
import io.learnware.spec.rkme.Matrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST's test set: 10,000 grey 28×28 images, 1,000 of each of 10 classes. */
class IdxFilesTest {

  private static final int PIXELS = 28 * 28;
  private static byte[] imageBytes;
  private static byte[] labelBytes;

  @TempDir Path tmp;

  @BeforeAll
  static void decompress() {
    imageBytes = TestFiles.gunzip(TestFiles.FASHION_IMAGES);
    labelBytes = TestFiles.gunzip(TestFiles.FASHION_LABELS);
  }

  @Test
  void readsTheImagesScaledToTheUnitInterval() throws Exception {
    Images images = IdxFiles.readImages(TestFiles.FASHION_IMAGES, ProgressListener.none());

    assertThat(images.count()).isEqualTo(10_000);
    assertThat(images.channels()).isEqualTo(1);
    assertThat(images.height()).isEqualTo(28);
    assertThat(images.width()).isEqualTo(28);
    Matrix pixels = images.pixels();
    assertThat(pixels.columns()).isEqualTo(PIXELS);
    // The first image (an ankle boot): its first non-zero pixel and its centre.
    assertThat(pixels.get(0, 214)).isZero();
    assertThat(pixels.get(0, 215)).isEqualTo(3 / 255.0);
    assertThat(pixels.get(0, 14 * 28 + 14)).isEqualTo(110 / 255.0);
    assertThat(pixels.get(9_999, 14 * 28 + 14)).isEqualTo(132 / 255.0);
    assertThat(Arrays.stream(pixels.row(0)).sum()).isCloseTo(33_456 / 255.0, within(1e-9));
    assertThat(Arrays.stream(pixels.row(9_999)).sum()).isCloseTo(24_390 / 255.0, within(1e-9));
    assertThat(Arrays.stream(pixels.data()).min().orElseThrow()).isZero();
    assertThat(Arrays.stream(pixels.data()).max().orElseThrow()).isEqualTo(1.0);
  }

  @Test
  void readsTheLabels() throws Exception {
    int[] labels = IdxFiles.readLabels(TestFiles.FASHION_LABELS);

    assertThat(labels).hasSize(10_000).startsWith(9, 2, 1, 1, 6, 1, 4, 6, 5, 7).endsWith(5);
    for (int label = 0; label < 10; label++) {
      int wanted = label;
      assertThat(Arrays.stream(labels).filter(l -> l == wanted).count()).isEqualTo(1_000);
    }
  }

  @Test
  void uncompressedFilesReadTheSame() throws Exception {
    Path images = Files.write(tmp.resolve("images-idx3-ubyte"), imageBytes);
    Path labels = Files.write(tmp.resolve("labels-idx1-ubyte"), labelBytes);

    LabeledImages plain = IdxFiles.readLabeled(images, labels, ProgressListener.none());
    LabeledImages gzipped =
        IdxFiles.readLabeled(
            TestFiles.FASHION_IMAGES, TestFiles.FASHION_LABELS, ProgressListener.none());

    assertThat(plain.images()).isEqualTo(gzipped.images());
    assertThat(plain.labels()).isEqualTo(gzipped.labels());
  }

  @Test
  void progressEndsAtTheCompressedFileSize() throws Exception {
    long size = Files.size(TestFiles.FASHION_IMAGES);
    List<Long> read = new ArrayList<>();

    IdxFiles.readImages(
        TestFiles.FASHION_IMAGES,
        (bytes, total) -> {
          assertThat(total).isEqualTo(size);
          read.add(bytes);
        });

    // One report per 64 KiB of the 7,840,000 pixels.
    assertThat(read).hasSize(120);
    assertThat(read).isSorted();
    assertThat(read.getLast()).isEqualTo(size);
  }

  @Test
  void aLabelFileGivenAsImagesIsNamedAsSuch() {
    assertThatThrownBy(() -> IdxFiles.readImages(TestFiles.FASHION_LABELS, ProgressListener.none()))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(
            TestFiles.FASHION_LABELS
                + ": bad magic number 0x00000801, expected 0x00000803 for IDX images (unsigned"
                + " bytes, n × height × width) (this is an IDX label file)");
    assertThatThrownBy(() -> IdxFiles.readLabels(TestFiles.FASHION_IMAGES))
        .hasMessage(
            TestFiles.FASHION_IMAGES
                + ": bad magic number 0x00000803, expected 0x00000801 for IDX labels (unsigned"
                + " bytes, n) (this is an IDX image file)");
  }

  @Test
  void compressedDataUnderAPlainNameIsRecognised() throws Exception {
    // Caches name files by checksum, without an extension: gzip is told by its magic number.
    Path misnamed = Files.copy(TestFiles.FASHION_IMAGES, tmp.resolve("t10k-images-idx3-ubyte"));

    IdxFiles.Images images = IdxFiles.readImages(misnamed, ProgressListener.none());

    assertThat(images.count()).isEqualTo(10_000);
    assertThat(images.height()).isEqualTo(28);
  }

  @Test
  void aTruncatedFileSaysHowManyBytesWereExpected() throws IOException {
    int cut = 16 + 3 * PIXELS + 100;
    Path raw = Files.write(tmp.resolve("cut-idx3-ubyte"), Arrays.copyOf(imageBytes, cut));
    Path gzipped =
        TestFiles.write(tmp.resolve("cut-idx3-ubyte.gz"), Arrays.copyOf(imageBytes, cut));

    assertThatThrownBy(() -> IdxFiles.readImages(raw, ProgressListener.none()))
        .hasMessage(
            raw
                + " is truncated: expected 7,840,016 bytes (a 16-byte header and 10,000 × 28 × 28"
                + " pixels), the data ends after 2,468");
    assertThatThrownBy(() -> IdxFiles.readImages(gzipped, ProgressListener.none()))
        .hasMessage(
            gzipped
                + " is truncated: expected 7,840,016 uncompressed bytes (a 16-byte header and"
                + " 10,000 × 28 × 28 pixels), the data ends after 2,468");
  }

  @Test
  void aCutCompressedStreamIsTruncatedToo() throws IOException {
    byte[] compressed = Files.readAllBytes(TestFiles.FASHION_IMAGES);
    Path cut =
        Files.write(
            tmp.resolve("cut-idx3-ubyte.gz"), Arrays.copyOf(compressed, compressed.length / 2));

    assertThatThrownBy(() -> IdxFiles.readImages(cut, ProgressListener.none()))
        .hasMessageStartingWith(
            cut
                + " is truncated: expected 7,840,016 uncompressed bytes (a 16-byte header and"
                + " 10,000 × 28 × 28 pixels), the data ends after ")
        .hasMessageEndingWith(" (the compressed stream is cut off)");
  }

  @Test
  void aHeaderCutShortOrDeclaringNothingIsRefused() throws IOException {
    Path shortHeader = Files.write(tmp.resolve("short-idx3-ubyte"), Arrays.copyOf(imageBytes, 10));
    byte[] zeroRows = Arrays.copyOf(imageBytes, 16);
    ByteBuffer.wrap(zeroRows).putInt(8, 0);
    Path empty = Files.write(tmp.resolve("zero-idx3-ubyte"), zeroRows);

    assertThatThrownBy(() -> IdxFiles.readImages(shortHeader, ProgressListener.none()))
        .hasMessage(shortHeader + " is truncated: it ends within the header, after 10 bytes");
    assertThatThrownBy(() -> IdxFiles.readImages(empty, ProgressListener.none()))
        .hasMessage(empty + ": the header declares 0 rows; expected a positive number");
  }

  @Test
  void bytesBeyondTheDeclaredDataAreRefused() throws IOException {
    byte[] longer = Arrays.copyOf(labelBytes, labelBytes.length + 1);
    Path labels = Files.write(tmp.resolve("long-idx1-ubyte"), longer);

    assertThatThrownBy(() -> IdxFiles.readLabels(labels))
        .hasMessage(
            labels + ": more bytes than the header declares (10,000 labels: 10,008 bytes in all)");
  }

  @Test
  void imagesAndLabelsMustCountAlike() throws Exception {
    byte[] fewer = Arrays.copyOf(labelBytes, labelBytes.length - 1);
    ByteBuffer.wrap(fewer).putInt(4, 9_999);
    Path labels = Files.write(tmp.resolve("fewer-idx1-ubyte"), fewer);

    assertThat(IdxFiles.readLabels(labels)).hasSize(9_999);
    assertThatThrownBy(
            () -> IdxFiles.readLabeled(TestFiles.FASHION_IMAGES, labels, ProgressListener.none()))
        .hasMessage(
            TestFiles.FASHION_IMAGES + " has 10,000 images but " + labels + " has 9,999 labels");
  }

  @Test
  void everyPixelValueMapsToItsByteOver255() throws Exception {
    // A 1×16×16 image holding every byte value once, in order.
    ByteBuffer file = ByteBuffer.allocate(16 + 256);
    file.putInt(IdxFiles.IMAGES_MAGIC).putInt(1).putInt(16).putInt(16);
    IntStream.range(0, 256).forEach(v -> file.put((byte) v));
    Path idx = Files.write(tmp.resolve("ramp-idx3-ubyte"), file.array());

    double[] pixels = IdxFiles.readImages(idx, ProgressListener.none()).pixels().row(0);

    assertThat(pixels)
        .containsExactly(IntStream.range(0, 256).mapToDouble(v -> v / 255.0).toArray());
  }
}
