package io.learnware.market.backup;

import java.io.PrintStream;

/** What a backup or restore is doing, one line at a time, on stderr (stdout stays clean). */
final class Progress {

  private final PrintStream out;

  Progress(PrintStream out) {
    this.out = out;
  }

  void say(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }

  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }

  /** Announces a copy of {@code count} items of {@code total} bytes, then reports its progress. */
  Counter counter(String what, int count, long total) {
    return new Counter(what, count, total);
  }

  /** Reports a long copy at every tenth of its bytes. */
  final class Counter {
    private final String what;
    private final int count;
    private final long total;
    private int done;
    private long copied;
    private long nextReport;

    private Counter(String what, int count, long total) {
      this.what = what;
      this.count = count;
      this.total = total;
      this.nextReport = total / 10;
      say("Copying %d %s (%s)", count, what, bytes(total));
    }

    void add(long size) {
      done++;
      copied += size;
      if (copied >= nextReport && copied < total) {
        say("  %d of %d %s, %s of %s", done, count, what, bytes(copied), bytes(total));
        nextReport = copied + total / 10;
      }
    }
  }
}
