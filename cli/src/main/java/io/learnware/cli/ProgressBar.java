package io.learnware.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of a long task on standard error. Nothing is shown during the first second, so quick
 * tasks stay silent. After that, on a terminal, one line with a bar is redrawn in place at most ten
 * times a second; elsewhere (a log, CI) a plain line is printed when the stage changes and at most
 * every ten seconds within a stage, so that logs do not fill with carriage returns.
 *
 * <p>{@code bin/learnware} tells the program whether standard error is a terminal (the system
 * property {@value #TERMINAL_PROPERTY}): Java 21 cannot find out for that stream alone.
 *
 * <p>Updates may come from any thread (uploads report from the HTTP client's).
 */
final class ProgressBar implements AutoCloseable {

  static final String TERMINAL_PROPERTY = "learnware.terminal";

  private static final long DELAY = TimeUnit.SECONDS.toNanos(1);
  private static final long REDRAW = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long LOG_INTERVAL = TimeUnit.SECONDS.toNanos(10);
  private static final int BAR_WIDTH = 24;

  private final PrintWriter err;
  private final boolean enabled;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private final long start;
  private long lastDraw;
  private String lastStage;
  private int drawnWidth;

  ProgressBar(PrintWriter err, boolean enabled, boolean terminal, LongSupplier nanoTime) {
    this.err = err;
    this.enabled = enabled;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  /** A bar on {@code err}, unless {@code quiet}. */
  static ProgressBar on(PrintWriter err, boolean quiet) {
    return new ProgressBar(err, !quiet, Boolean.getBoolean(TERMINAL_PROPERTY), System::nanoTime);
  }

  /**
   * @param stage what is happening, e.g. {@code reading digits.csv}
   * @param fraction in [0, 1]
   * @param detail shown after the percentage; may be empty
   */
  synchronized void update(String stage, double fraction, String detail) {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - start < DELAY) {
      return;
    }
    boolean newStage = !stage.equals(lastStage);
    long interval = terminal ? REDRAW : LOG_INTERVAL;
    if (!newStage && lastStage != null && now - lastDraw < interval) {
      return;
    }
    int percent = (int) Math.floor(100 * Math.clamp(fraction, 0, 1));
    String suffix = detail.isEmpty() ? "" : "  " + detail;
    if (terminal) {
      int filled = percent * BAR_WIDTH / 100;
      String line =
          "%s [%s%s] %3d%%%s"
              .formatted(
                  stage, "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), percent, suffix);
      // Spaces over the rest of a longer previous line.
      err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
      drawnWidth = line.length();
    } else {
      err.printf("%s: %d%%%s%n", stage, percent, suffix);
    }
    err.flush();
    lastDraw = now;
    lastStage = stage;
  }

  /** {@link #update} for a transfer or a file being read: the fraction and sizes of bytes. */
  void bytes(String stage, long done, long total) {
    if (total > 0) {
      update(stage, done / (double) total, size(done) + " of " + size(total));
    } else {
      update(stage, 0, size(done));
    }
  }

  /**
   * Clears the bar from a terminal, so that what the command prints next starts on a clean line.
   */
  @Override
  public synchronized void close() {
    if (terminal && drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = 0;
    }
  }

  /** {@code 950 B}, {@code 12.3 MB}: decimal units, as file managers show sizes. */
  static String size(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 999.95 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
