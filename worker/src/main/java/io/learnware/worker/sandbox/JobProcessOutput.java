package io.learnware.worker.sandbox;

import io.learnware.worker.sandbox.SandboxProtocol.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a job process's output: protocol lines on standard output (the last progress, the last
 * outcome or failure), and the tail of everything else it wrote, for the worker's log and for
 * telling which limit ended it. Bounded: a line longer than {@link #MAX_LINE} is dropped.
 */
final class JobProcessOutput {

  static final int MAX_LINE = 64 << 20;
  private static final int STDERR_TAIL = 16 << 10;

  final AtomicReference<Message> started = new AtomicReference<>();
  final AtomicReference<Message> progress = new AtomicReference<>();
  final AtomicReference<Message> last = new AtomicReference<>();
  volatile boolean oversized;
  private final byte[] tail = new byte[STDERR_TAIL];
  private long tailLength;
  private final Thread out;
  private final Thread err;
  private final String prefix;

  /**
   * @param prefix what the job's protocol lines start with ({@link SandboxProtocol#prefix})
   */
  JobProcessOutput(Process process, String prefix) {
    this.prefix = prefix;
    this.out =
        Thread.ofPlatform()
            .daemon()
            .name("sandbox-out")
            .start(() -> lines(process.getInputStream()));
    this.err =
        Thread.ofPlatform()
            .daemon()
            .name("sandbox-err")
            .start(() -> tail(process.getErrorStream()));
  }

  void join() throws InterruptedException {
    out.join(5000);
    err.join(5000);
  }

  private void lines(InputStream stream) {
    try (stream) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      boolean skipping = false;
      int b;
      while ((b = stream.read()) >= 0) {
        if (b == '\n') {
          if (!skipping) {
            accept(line.toString(StandardCharsets.UTF_8));
          }
          line.reset();
          skipping = false;
        } else if (!skipping) {
          line.write(b);
          if (line.size() > MAX_LINE) {
            oversized = line.toString(StandardCharsets.UTF_8).startsWith(prefix);
            skipping = true;
            line.reset();
          }
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  private void accept(String line) {
    if (!line.startsWith(prefix)) {
      // The model's printing, protocol lines without the job's key included.
      append((line + "\n").getBytes(StandardCharsets.UTF_8), -1);
      return;
    }
    try {
      Message message =
          SandboxProtocol.JSON.readValue(line.substring(prefix.length()), Message.class);
      if (Boolean.TRUE.equals(message.started())) {
        started.set(message);
      } else if (message.progress() != null) {
        progress.set(message);
      } else {
        last.set(message);
      }
    } catch (IOException e) {
      append(("unreadable protocol line\n").getBytes(StandardCharsets.UTF_8), -1);
    }
  }

  private void tail(InputStream stream) {
    try (stream) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = stream.read(buffer)) >= 0) {
        append(buffer, n);
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  private synchronized void append(byte[] bytes, int length) {
    int n = length < 0 ? bytes.length : length;
    for (int i = 0; i < n; i++) {
      tail[(int) (tailLength++ % STDERR_TAIL)] = bytes[i];
    }
  }

  /** The last bytes the process wrote to standard error (and stray standard output). */
  synchronized String stderrTail() {
    int n = (int) Math.min(tailLength, STDERR_TAIL);
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = tail[(int) ((tailLength - n + i) % STDERR_TAIL)];
    }
    return new String(bytes, StandardCharsets.UTF_8).strip();
  }
}
