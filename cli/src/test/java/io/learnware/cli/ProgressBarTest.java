package io.learnware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The progress line, driven by a hand-set clock. */
class ProgressBarTest {

  private final StringWriter err = new StringWriter();
  private long now;

  @Test
  void staysSilentForTheFirstSecondAndWhenQuiet() {
    ProgressBar bar = bar(true, true);
    ProgressBar quiet = bar(false, true);

    bar.update("reading", 0.5, "");
    at(5_000);
    quiet.update("reading", 0.5, "");

    assertThat(err.toString()).isEmpty();
  }

  @Test
  void onATerminalRedrawsOneLineInPlaceAndClearsIt() {
    ProgressBar bar = bar(true, true);
    at(1_000);
    bar.bytes("downloading model.pt", 2_500_000, 10_000_000);
    at(1_050);
    bar.update("downloading model.pt", 0.9, "ignored: within 100 ms");
    at(1_200);
    bar.update("k-means", 1, "");
    bar.close();

    String first = "downloading model.pt [######------------------]  25%  2.5 MB of 10.0 MB";
    String second = "k-means [########################] 100%";
    assertThat(err.toString())
        .isEqualTo(
            "\r"
                + first
                + "\r"
                + second
                + " ".repeat(first.length() - second.length())
                + "\r"
                + " ".repeat(second.length())
                + "\r");
  }

  @Test
  void elsewherePrintsALinePerStageAndAtMostEveryTenSeconds() {
    ProgressBar bar = bar(true, false);
    at(1_000);
    bar.update("reading x.csv", 0.10, "");
    at(5_000);
    bar.update("reading x.csv", 0.20, "");
    at(11_000);
    bar.update("reading x.csv", 0.333, "");
    bar.update("RKME k-means", 0.4, "");
    bar.close();

    assertThat(err.toString().lines())
        .containsExactly("reading x.csv: 10%", "reading x.csv: 33%", "RKME k-means: 40%");
  }

  @Test
  void sizesUseDecimalUnits() {
    assertThat(ProgressBar.size(999)).isEqualTo("999 B");
    assertThat(ProgressBar.size(1_000)).isEqualTo("1.0 kB");
    assertThat(ProgressBar.size(25_300)).isEqualTo("25.3 kB");
    assertThat(ProgressBar.size(999_960)).isEqualTo("1.0 MB");
    assertThat(ProgressBar.size(7_840_016)).isEqualTo("7.8 MB");
    assertThat(ProgressBar.size(8_000_000_000L)).isEqualTo("8.0 GB");
  }

  private ProgressBar bar(boolean enabled, boolean terminal) {
    return new ProgressBar(new PrintWriter(err, true), enabled, terminal, () -> now);
  }

  private void at(long millis) {
    now = TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
