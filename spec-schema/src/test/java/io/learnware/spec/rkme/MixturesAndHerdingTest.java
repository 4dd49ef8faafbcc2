package io.learnware.spec.rkme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.learnware.spec.rkme.RealData.Labelled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MixturesAndHerdingTest {

  private static final Labelled DIGITS = RealData.digits();

  @Test
  void mixtureWeightsRecoverTheProportionsOfTwoParts() {
    Labelled low = DIGITS.where(l -> l < 5);
    Labelled high = DIGITS.where(l -> l >= 5);
    Rkme lowRkme = Rkme.builder().setData(low.split(0.5, 1)[0].x()).build();
    Rkme highRkme = Rkme.builder().setData(high.split(0.5, 1)[0].x()).build();
    // A user whose data is about 1/4 low digits and 3/4 high ones (held-out rows).
    Labelled lowUser = low.split(0.5, 1)[1].split(0.33, 2)[0];
    Labelled highUser = high.split(0.5, 1)[1];
    Matrix user = concat(lowUser.x(), highUser.x());
    Rkme userRkme = Rkme.builder().setData(user).build();
    double lowShare = lowUser.x().rows() / (double) user.rows();

    Mixture fitted = Mixtures.fit(userRkme, List.of(lowRkme, highRkme));

    assertThat(fitted.weights()[0]).isCloseTo(lowShare, offset(0.08));
    assertThat(fitted.mmdSquared()).isLessThan(userRkme.mmdSquared(highRkme) / 2);
  }

  @Test
  void greedyMixtureGrowsOnlyWhileTheMmdDrops() {
    Rkme[] parts = new Rkme[5];
    for (int part = 0; part < 5; part++) {
      int first = 2 * part;
      parts[part] =
          Rkme.builder().setData(DIGITS.where(l -> l == first || l == first + 1).x()).build();
    }
    List<Rkme> candidates = List.of(parts);
    Rkme spansTwo = Rkme.builder().setData(DIGITS.where(l -> l <= 3).x()).optSeed(9).build();
    Rkme withinOne =
        Rkme.builder().setData(DIGITS.where(l -> l == 4 || l == 5).x()).optSeed(9).build();

    Mixture two = Mixtures.greedy(spansTwo, candidates, inner(spansTwo, candidates), 5, 0.05);
    Mixture one = Mixtures.greedy(withinOne, candidates, inner(withinOne, candidates), 5, 0.05);

    assertThat(two.components()).containsExactlyInAnyOrder(0, 1);
    assertThat(two.weights()[0] + two.weights()[1]).isCloseTo(1, offset(1e-9));
    assertThat(one.components()).containsExactly(2);
  }

  /**
   * A candidate equal to the target is a perfect fit: nothing can lower an MMD² of 0. A Gram entry
   * rounded a little low (as a float32 Gram is) makes a second component look like it helps, with
   * an MMD² below zero that is read as 0; it used to join with a weight of about 1e−6.
   */
  @Test
  void anExactMatchStaysAlone() {
    double[] inner = {1, 0.5};
    Mixtures.Gram gram = (i, j) -> i == j ? 1 : 0.5 - 1e-6;

    Mixture fitted = Mixtures.greedy(1, inner, gram, 5, 0.05);

    assertThat(fitted.components()).containsExactly(0);
    assertThat(fitted.weights()).containsExactly(1.0);
    assertThat(fitted.mmdSquared()).isZero();
  }

  /**
   * A target that is the even mix of three orthonormal candidates, beside two unrelated ones: the
   * greedy fit takes all three, and prepares the rows of the first two only, the third's being read
   * by no round.
   */
  @Test
  void aFullMixtureComputesNoRowForItsLastComponent() {
    double[] inner = {1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0};
    List<Integer> prepared = new ArrayList<>();
    Mixtures.Gram gram =
        new Mixtures.Gram() {
          @Override
          public double get(int i, int j) {
            return i == j ? 1 : 0;
          }

          @Override
          public void prepareRow(int i) {
            prepared.add(i);
          }
        };

    Mixture fitted = Mixtures.greedy(1.0 / 3, inner, gram, 3, 0.05);

    assertThat(fitted.components()).containsExactly(0, 1, 2);
    assertThat(fitted.weights())
        .containsExactly(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, offset(1e-12));
    assertThat(fitted.mmdSquared()).isCloseTo(0, offset(1e-12));
    assertThat(prepared).containsExactly(0, 1);
    prepared.clear();
    assertThat(Mixtures.greedy(1.0 / 3, inner, gram, 1, 0.05).components()).containsExactly(0);
    assertThat(prepared).isEmpty();
  }

  @Test
  void herdedPointsAreAsCloseToTheEmbeddingAsRealHeldOutData() {
    Labelled[] halves = DIGITS.split(0.5, 11);
    Rkme rkme = Rkme.builder().setData(halves[0].x()).build();

    Matrix herded = rkme.herd(500, 5);
    Rkme ofHerded = Rkme.builder().setData(herded).build();
    Rkme ofHeldOut = Rkme.builder().setData(halves[1].x()).build();
    Rkme ofOtherData = Rkme.builder().setData(DIGITS.where(l -> l == 1).x()).build();

    assertThat(herded.rows()).isEqualTo(500);
    assertThat(rkme.herd(500, 5)).isEqualTo(herded);
    double herdedDistance = Math.sqrt(rkme.mmdSquared(ofHerded));
    assertThat(herdedDistance).isLessThan(2 * Math.sqrt(rkme.mmdSquared(ofHeldOut)));
    assertThat(herdedDistance).isLessThan(Math.sqrt(rkme.mmdSquared(ofOtherData)) / 5);
  }

  private static double[] inner(Rkme target, List<Rkme> candidates) {
    return candidates.stream().mapToDouble(c -> c.innerProduct(target)).toArray();
  }

  private static Matrix concat(Matrix a, Matrix b) {
    double[] data = new double[a.data().length + b.data().length];
    System.arraycopy(a.data(), 0, data, 0, a.data().length);
    System.arraycopy(b.data(), 0, data, a.data().length, b.data().length);
    return new Matrix(a.rows() + b.rows(), a.columns(), data);
  }
}
