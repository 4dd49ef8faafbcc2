package io.learnware.spec.data;

/** Hears how far a reader has got through a file. */
@FunctionalInterface
public interface ProgressListener {

  /**
   * @param bytesRead bytes of the file consumed so far; for a {@code .gz} file, compressed bytes,
   *     so that the fraction {@code bytesRead / totalBytes} is meaningful for both
   * @param totalBytes the file's size
   */
  void progress(long bytesRead, long totalBytes);

  /** A listener that ignores progress. */
  static ProgressListener none() {
    return (bytesRead, totalBytes) -> {};
  }
}
