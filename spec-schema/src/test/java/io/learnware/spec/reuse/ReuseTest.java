package io.learnware.spec.reuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The job selector routes real digits between the RKMEs of two halves of the data, and the
 * ensembles combine classifiers as documented.
 */
class ReuseTest {

  private static final RealData.Labelled[] SPLIT = RealData.digits().split(0.8, 42);
  private static final RealData.Labelled TRAIN = SPLIT[0];
  private static final RealData.Labelled TEST = SPLIT[1];

  @Test
  void theSelectorRoutesRowsToTheLearnwareWhoseDataTheyResemble() {
    Rkme low = Rkme.builder().setData(TRAIN.where(label -> label < 5).x()).build();
    Rkme high = Rkme.builder().setData(TRAIN.where(label -> label >= 5).x()).build();

    JobSelector selector = JobSelector.builder().setCandidates(List.of(low, high)).build();
    int[] routes = selector.route(TEST.x());

    int right = 0;
    for (int r = 0; r < routes.length; r++) {
      right += routes[r] == (TEST.labels()[r] < 5 ? 0 : 1) ? 1 : 0;
    }
    // Only the RKMEs were seen: 100 weighted points each, no row of the training data.
    assertThat(right / (double) routes.length).isGreaterThan(0.9);
    double[][] p = selector.routeProbabilities(TEST.x());
    assertThat(p[0][0] + p[0][1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    // Deterministic for a seed.
    assertThat(JobSelector.builder().setCandidates(List.of(low, high)).build().route(TEST.x()))
        .containsExactly(routes);
  }

  @Test
  void routedRowsAreAnsweredByTheirOwnLearnware() throws Exception {
    Rkme low = Rkme.builder().setData(TRAIN.where(label -> label < 5).x()).build();
    Rkme high = Rkme.builder().setData(TRAIN.where(label -> label >= 5).x()).build();
    // Two "learnwares" that only know their own class: each answers a constant.
    ProbabilisticClassifier saysOne = constant(10, 1);
    ProbabilisticClassifier saysSeven = constant(10, 7);

    ProbabilisticClassifier selected =
        JobSelector.builder()
            .setCandidates(List.of(low, high))
            .build()
            .over(List.of(saysOne, saysSeven));
    int[] predicted = selected.predict(TEST.x());

    int agree = 0;
    for (int r = 0; r < predicted.length; r++) {
      assertThat(predicted[r]).isIn(1, 7);
      agree += predicted[r] == (TEST.labels()[r] < 5 ? 1 : 7) ? 1 : 0;
    }
    assertThat(agree / (double) predicted.length).isGreaterThan(0.9);
  }

  @Test
  void meanAveragesProbabilitiesAndVoteCountsVotesBreakingTiesByTheMean() throws Exception {
    Matrix rows = Matrix.zeros(1, 2);
    ProbabilisticClassifier a = r -> new double[][] {{0.6, 0.4, 0.0}};
    ProbabilisticClassifier b = r -> new double[][] {{0.0, 0.3, 0.7}};
    ProbabilisticClassifier c = r -> new double[][] {{0.1, 0.8, 0.1}};

    assertThat(Ensembles.mean(List.of(a, b)).probabilities(rows)[0])
        .containsExactly(
            new double[] {0.3, 0.35, 0.35}, org.assertj.core.data.Offset.offset(1e-12));
    // a votes 0, b votes 2: a tie; the mean prefers 2 (0.35 > 0.3).
    assertThat(Ensembles.vote(List.of(a, b)).predict(rows)).containsExactly(2);
    // a 0, b 2, c 1 and then c again: class 1 wins two votes of four.
    double[] shares = Ensembles.vote(List.of(a, b, c, c)).probabilities(rows)[0];
    assertThat(shares[1]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(Ensembles.TIE_BREAK));
    assertThat(
            ProbabilisticClassifier.accuracy(
                new double[][] {{0.2, 0.8}, {0.9, 0.1}}, new int[] {1, 1}))
        .isEqualTo(0.5);
  }

  @Test
  void selectorsNeedComparableCandidates() {
    Rkme digits = Rkme.builder().setData(TRAIN.x()).build();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> JobSelector.builder().setCandidates(List.of(digits)).build())
        .withMessageContaining("at least two");
    Rkme other = Rkme.builder().setData(TRAIN.x()).optGamma(0.5).build();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> JobSelector.builder().setCandidates(List.of(digits, other)).build())
        .withMessageContaining("different spaces");
  }

  private static ProbabilisticClassifier constant(int classes, int label) {
    return rows -> {
      double[][] out = new double[rows.rows()][classes];
      for (double[] row : out) {
        row[label] = 1;
      }
      return out;
    };
  }
}
