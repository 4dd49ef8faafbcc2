package io.learnware.client;

/** Hears how far an upload or download has got. */
@FunctionalInterface
public interface TransferListener {

  /**
   * @param name what is being transferred (a file name)
   * @param bytes bytes transferred so far
   * @param total bytes in all, or -1 when unknown
   */
  void transferred(String name, long bytes, long total);

  static TransferListener none() {
    return (name, bytes, total) -> {};
  }
}
