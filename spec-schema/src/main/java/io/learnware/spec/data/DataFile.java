package io.learnware.spec.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A data file opened for reading: decompressed when its name ends in {@code .gz} or its bytes start
 * with gzip's magic number (files cached by checksum have no extension), with the file's own bytes
 * counted as they are consumed so that progress can be reported for compressed files too.
 */
final class DataFile implements Closeable {

  private static final int BUFFER = 1 << 16;

  private final Path path;
  private final long size;
  private final Counting counting;
  private final InputStream in;

  private DataFile(Path path, long size, Counting counting, InputStream in) {
    this.path = path;
    this.size = size;
    this.counting = counting;
    this.in = in;
  }

  static DataFile open(Path path) throws IOException, DataFormatException {
    long size = Files.size(path);
    Counting counting = new Counting(Files.newInputStream(path));
    try {
      InputStream in =
          isGzip(path)
              ? new GZIPInputStream(counting, BUFFER)
              : new BufferedInputStream(counting, BUFFER);
      return new DataFile(path, size, counting, in);
    } catch (ZipException e) {
      counting.close();
      throw new DataFormatException(path + ": not a gzip file (" + e.getMessage() + ")", e);
    } catch (EOFException e) {
      counting.close();
      // GZIPInputStream reads the header at once: a file shorter than that ends here.
      throw new DataFormatException(path + ": not a gzip file (it ends within the header)", e);
    } catch (IOException | RuntimeException e) {
      counting.close();
      throw e;
    }
  }

  static boolean isGzip(Path path) {
    if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
      return true;
    }
    try (InputStream head = Files.newInputStream(path)) {
      return head.read() == 0x1f && head.read() == 0x8b;
    } catch (IOException e) {
      return false;
    }
  }

  /** The content, decompressed if need be. */
  InputStream in() {
    return in;
  }

  Path path() {
    return path;
  }

  boolean gzip() {
    return isGzip(path);
  }

  void report(ProgressListener listener) {
    listener.progress(counting.count, size);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private static final class Counting extends FilterInputStream {
    private long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
