package io.learnware.spec.data;

import io.learnware.spec.rkme.Matrix;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST): a big-endian
 * header (magic number, then one 32-bit size per dimension) followed by unsigned bytes. Images are
 * {@code 0x00000803} (n × height × width), labels {@code 0x00000801} (n). A file whose name ends in
 * {@code .gz} is decompressed.
 */
public final class IdxFiles {

  /** Unsigned bytes in three dimensions: n × height × width. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Unsigned bytes in one dimension: n labels. */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int CHUNK = 1 << 16;

  /** The largest Java array. */
  private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private IdxFiles() {}

  /**
   * Grey-scale images.
   *
   * @param pixels one row per image, {@code channels·height·width} values in [0, 1] (the bytes
   *     divided by 255), row-major
   */
  public record Images(Matrix pixels, int channels, int height, int width) {

    public int count() {
      return pixels.rows();
    }
  }

  /** Images with one label each. */
  public record LabeledImages(Images images, int[] labels) {}

  /**
   * Reads an image file.
   *
   * @param progress hears after every 64 KiB of pixels and at the end
   * @throws DataFormatException for a wrong magic number, a truncated file or trailing bytes
   */
  /** Whether the file (gzip or not) starts with the magic number of IDX images. */
  public static boolean isImages(Path file) throws IOException {
    try (DataFile data = DataFile.open(file)) {
      byte[] head = data.in().readNBytes(4);
      return head.length == 4 && java.nio.ByteBuffer.wrap(head).getInt() == IMAGES_MAGIC;
    } catch (DataFormatException e) {
      return false;
    }
  }

  public static Images readImages(Path file, ProgressListener progress)
      throws IOException, DataFormatException {
    try (DataFile data = DataFile.open(file)) {
      Reader reader = new Reader(data);
      reader.magic(IMAGES_MAGIC, "images (unsigned bytes, n × height × width)");
      int count = reader.dimension("images");
      int height = reader.dimension("rows");
      int width = reader.dimension("columns");
      long pixels = (long) count * height * width;
      if (pixels > MAX_VALUES) {
        throw new DataFormatException(
            "%s: too large to hold in memory: %,d images of %d × %d pixels"
                .formatted(file, count, height, width));
      }
      reader.body(pixels, "%,d × %d × %d pixels".formatted(count, height, width));
      double[] values = new double[(int) pixels];
      byte[] chunk = new byte[CHUNK];
      for (int done = 0; done < values.length; ) {
        int n = Math.min(CHUNK, values.length - done);
        reader.readFully(chunk, n);
        for (int i = 0; i < n; i++) {
          values[done + i] = (chunk[i] & 0xff) / 255.0;
        }
        done += n;
        data.report(progress);
      }
      reader.end();
      return new Images(new Matrix(count, height * width, values), 1, height, width);
    }
  }

  /**
   * Reads a label file.
   *
   * @return one label (0..255) per item
   */
  public static int[] readLabels(Path file) throws IOException, DataFormatException {
    try (DataFile data = DataFile.open(file)) {
      Reader reader = new Reader(data);
      reader.magic(LABELS_MAGIC, "labels (unsigned bytes, n)");
      int count = reader.dimension("labels");
      reader.body(count, "%,d labels".formatted(count));
      int[] labels = new int[count];
      byte[] chunk = new byte[CHUNK];
      for (int done = 0; done < count; ) {
        int n = Math.min(CHUNK, count - done);
        reader.readFully(chunk, n);
        for (int i = 0; i < n; i++) {
          labels[done + i] = chunk[i] & 0xff;
        }
        done += n;
      }
      reader.end();
      return labels;
    }
  }

  /** Reads an image file and its label file, which must hold as many labels as there are images. */
  public static LabeledImages readLabeled(Path images, Path labels, ProgressListener progress)
      throws IOException, DataFormatException {
    Images read = readImages(images, progress);
    int[] labelValues = readLabels(labels);
    if (labelValues.length != read.count()) {
      throw new DataFormatException(
          "%s has %,d images but %s has %,d labels"
              .formatted(images, read.count(), labels, labelValues.length));
    }
    return new LabeledImages(read, labelValues);
  }

  /** Reads the header and body of one file, keeping count of the (decompressed) bytes. */
  private static final class Reader {
    private final DataFile data;
    private final InputStream in;
    private long offset;
    private long headerBytes;
    private long expected;
    private String layout;

    Reader(DataFile data) {
      this.data = data;
      this.in = data.in();
    }

    private String name() {
      return data.path().toString();
    }

    void magic(int wanted, String what) throws IOException, DataFormatException {
      int magic = readInt();
      if (magic != wanted) {
        String hint =
            switch (magic) {
              case IMAGES_MAGIC -> " (this is an IDX image file)";
              case LABELS_MAGIC -> " (this is an IDX label file)";
              default -> "";
            };
        throw new DataFormatException(
            "%s: bad magic number 0x%08x, expected 0x%08x for IDX %s%s"
                .formatted(name(), magic, wanted, what, hint));
      }
    }

    int dimension(String what) throws IOException, DataFormatException {
      int size = readInt();
      if (size <= 0) {
        throw new DataFormatException(
            "%s: the header declares %d %s; expected a positive number"
                .formatted(name(), size, what));
      }
      return size;
    }

    /**
     * Starts the body, which the header says is {@code bytes} long.
     *
     * @param layout what the header declared, for messages
     */
    void body(long bytes, String layout) {
      this.headerBytes = offset;
      this.expected = offset + bytes;
      this.layout = layout;
    }

    /** Reads exactly {@code length} bytes of the body into {@code chunk}. */
    void readFully(byte[] chunk, int length) throws IOException, DataFormatException {
      int read = 0;
      while (read < length) {
        int n;
        try {
          n = in.read(chunk, read, length - read);
        } catch (EOFException e) {
          offset += read;
          throw truncated(" (the compressed stream is cut off)");
        } catch (ZipException e) {
          throw new DataFormatException(
              "%s: the compressed data is corrupt after %,d bytes (%s)"
                  .formatted(name(), offset + read, e.getMessage()),
              e);
        }
        if (n < 0) {
          offset += read;
          throw truncated("");
        }
        read += n;
      }
      offset += read;
    }

    /** Checks that nothing follows the declared data. */
    void end() throws IOException, DataFormatException {
      if (in.read() >= 0) {
        throw new DataFormatException(
            "%s: more bytes than the header declares (%s: %,d bytes in all)"
                .formatted(name(), layout, expected));
      }
    }

    private int readInt() throws IOException, DataFormatException {
      byte[] bytes = new byte[4];
      int read = 0;
      while (read < 4) {
        int n;
        try {
          n = in.read(bytes, read, 4 - read);
        } catch (EOFException e) {
          n = -1;
        }
        if (n < 0) {
          throw new DataFormatException(
              "%s is truncated: it ends within the header, after %d bytes"
                  .formatted(name(), offset + read));
        }
        read += n;
      }
      offset += 4;
      return ((bytes[0] & 0xff) << 24)
          | ((bytes[1] & 0xff) << 16)
          | ((bytes[2] & 0xff) << 8)
          | (bytes[3] & 0xff);
    }

    private DataFormatException truncated(String why) {
      return new DataFormatException(
          "%s is truncated: expected %,d%s bytes (a %d-byte header and %s), the data ends after %,d%s"
              .formatted(
                  name(),
                  expected,
                  data.gzip() ? " uncompressed" : "",
                  headerBytes,
                  layout,
                  offset,
                  why));
    }
  }
}
