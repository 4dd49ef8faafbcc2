package io.learnware.market.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A file being received and hashed, written from a thread of its own in large aligned blocks, with
 * {@code O_DIRECT} where the file system allows it. Direct writes skip the page cache: on the
 * 2-core build machine copying 1 GiB through the page cache and writing it back cost 1.7 s of CPU,
 * a direct write 0.15 s (docs/benchmarks.md), and that CPU is what a streaming upload competes for.
 *
 * <p>{@link #write} is called by one thread (the event loop), in order; it copies the bytes into a
 * block and returns {@code false} once all blocks are waiting to be written, after which the caller
 * pauses its source until the {@code resume} callback runs. {@link #finish} writes the rest, trims
 * the padding, forces the data to the device and closes the file; {@link #sha256} is known from
 * then on.
 *
 * <p>When the blob store takes bytes as they arrive ({@link BlobStore#receive}), the writer thread
 * hands it each block after writing it: a store that is slower than the disk holds blocks back and
 * so pauses the source, as a slow disk does.
 */
public final class StagingFile {

  /** Bytes per write: large enough that per-write costs vanish, small enough to keep few. */
  static final int BLOCK = 1 << 20;

  /** Blocks per file: one being filled while others are written. */
  private static final int BLOCKS = 4;

  private final Path path;
  private final FileChannel channel;
  private final boolean direct;
  private final int alignment;
  private final ExecutorService writer;
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
  private final Runnable resume;
  private final BlobStore.Incoming sent;
  private final MessageDigest digest = Sha256.newDigest();
  private String sha256;
  private ByteBuffer current;
  private long position;
  private long size;
  private boolean waiting;
  private volatile IOException failure;

  private StagingFile(
      Path path,
      FileChannel channel,
      boolean direct,
      int alignment,
      Runnable resume,
      BlobStore.Incoming sent) {
    this.path = path;
    this.sent = sent;
    this.channel = channel;
    this.direct = direct;
    this.alignment = alignment;
    this.resume = resume;
    this.writer =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("staging-" + path.getFileName()).factory());
    for (int i = 0; i < BLOCKS; i++) {
      free.add(newBlock());
    }
  }

  private ByteBuffer newBlock() {
    return block(ByteBuffer.allocateDirect(BLOCK + alignment), alignment);
  }

  /**
   * A block of exactly {@link #BLOCK} bytes at an aligned address, cut from {@code raw} ({@code
   * BLOCK + alignment} bytes). Blocks are written at multiples of {@code BLOCK}, so a longer one
   * would overlap the next: {@code alignedSlice} alone keeps all {@code BLOCK + alignment} bytes
   * whenever {@code raw} happens to start aligned, which {@code malloc} does now and then.
   */
  static ByteBuffer block(ByteBuffer raw, int alignment) {
    return raw.alignedSlice(alignment).slice(0, BLOCK);
  }

  /**
   * Creates {@code path} (which must not exist).
   *
   * @param resume called, from the writer's thread, when a block is free again after {@link #write}
   *     returned {@code false}
   */
  public static StagingFile create(Path path, Runnable resume) throws IOException {
    return create(path, resume, true, null);
  }

  /**
   * Like {@link #create(Path, Runnable)}, also sending every byte to {@code sent} (null for none).
   */
  public static StagingFile create(Path path, Runnable resume, BlobStore.Incoming sent)
      throws IOException {
    return create(path, resume, true, sent);
  }

  /** Like {@link #create(Path, Runnable)}; {@code tryDirect} false goes to the page cache. */
  static StagingFile create(Path path, Runnable resume, boolean tryDirect, BlobStore.Incoming sent)
      throws IOException {
    int alignment = Math.toIntExact(Files.getFileStore(path.getParent()).getBlockSize());
    if (tryDirect) {
      try {
        return new StagingFile(
            path, open(path, ExtendedOpenOption.DIRECT), true, alignment, resume, sent);
      } catch (UnsupportedOperationException | IOException e) {
        // Some file systems refuse O_DIRECT: the page cache it is.
        Files.deleteIfExists(path);
      }
    }
    return new StagingFile(path, open(path), false, alignment, resume, sent);
  }

  private static FileChannel open(Path path, OpenOption... extra) throws IOException {
    OpenOption[] options = new OpenOption[extra.length + 2];
    options[0] = StandardOpenOption.CREATE_NEW;
    options[1] = StandardOpenOption.WRITE;
    System.arraycopy(extra, 0, options, 2, extra.length);
    return FileChannel.open(path, options);
  }

  /** Whether writes bypass the page cache. */
  public boolean direct() {
    return direct;
  }

  /**
   * Appends {@code bytes}.
   *
   * @return {@code false} when the caller should pause until {@code resume} runs
   * @throws IOException when an earlier write failed
   */
  public boolean write(ByteBuffer bytes) throws IOException {
    rethrow();
    digest.update(bytes.duplicate());
    while (bytes.hasRemaining()) {
      if (current == null) {
        current = take();
        if (current == null) {
          // Bytes that were already on their way when the caller paused: one more block.
          current = newBlock();
        }
      }
      int n = Math.min(bytes.remaining(), current.remaining());
      current.put(bytes.slice(bytes.position(), n));
      bytes.position(bytes.position() + n);
      size += n;
      if (!current.hasRemaining()) {
        submit(current, position);
        position += BLOCK;
        current = null;
      }
    }
    if (current == null) {
      current = take();
    }
    return current != null;
  }

  /**
   * Writes what is left, trims the file to the bytes received, forces it to the device and closes
   * it; completes with the file's size.
   */
  public CompletableFuture<Long> finish() {
    sha256 = Sha256.hex(digest.digest());
    ByteBuffer last = current;
    current = null;
    long at = position;
    long total = size;
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            rethrow();
            if (last != null && last.position() > 0) {
              send(last.duplicate().flip());
              // A direct write must cover whole blocks: pad, then cut the file back.
              int length = last.position();
              int padded = (length + alignment - 1) / alignment * alignment;
              while (last.position() < padded) {
                last.put((byte) 0);
              }
              last.flip();
              writeFully(last, at);
            }
            channel.truncate(total);
            channel.force(false);
            channel.close();
            if (sent != null) {
              sent.finish();
            }
            return total;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } finally {
            writer.shutdown();
          }
        },
        writer);
  }

  /** What the blob store received of the file; null when it takes the file only at the end. */
  public BlobStore.Incoming sent() {
    return sent;
  }

  /** The SHA-256 of the bytes written, in hex; null before {@link #finish}. */
  public String sha256() {
    return sha256;
  }

  /** Stops writing and deletes the file. */
  public void abort() {
    writer.execute(
        () -> {
          try {
            channel.close();
            Files.deleteIfExists(path);
          } catch (IOException e) {
            failure = e;
          }
          if (sent != null) {
            sent.discard();
          }
        });
    writer.shutdown();
  }

  private synchronized ByteBuffer take() {
    ByteBuffer block = free.poll();
    if (block == null) {
      waiting = true;
      return null;
    }
    block.clear();
    return block;
  }

  private void submit(ByteBuffer block, long at) {
    block.flip();
    writer.execute(
        () -> {
          try {
            if (failure == null) {
              ByteBuffer bytes = block.duplicate();
              writeFully(block, at);
              send(bytes);
            }
          } catch (IOException e) {
            failure = e;
          }
          boolean wake;
          synchronized (this) {
            free.add(block);
            wake = waiting;
            waiting = false;
          }
          if (wake) {
            resume.run();
          }
        });
  }

  private void send(ByteBuffer bytes) throws IOException {
    if (sent != null) {
      sent.write(bytes);
    }
  }

  private void writeFully(ByteBuffer block, long at) throws IOException {
    long offset = at;
    while (block.hasRemaining()) {
      offset += channel.write(block, offset);
    }
  }

  private void rethrow() throws IOException {
    IOException e = failure;
    if (e != null) {
      throw e;
    }
  }
}
