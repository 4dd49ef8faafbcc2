package io.learnware.spec.reuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Task;
import io.learnware.spec.Violation;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A published ensemble's artifact round-trips through its schema, and its combination answers what
 * the reuse job's methods answer: the combined probabilities (as their logarithm), the mean of
 * regressors, the selector's routes after the router was saved and restored.
 */
class PublishedEnsembleTest {

  private static final SpecValidator VALIDATOR = new SpecValidator();
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  private static EnsembleManifest twoMembers(EnsembleManifest.Method method, Task task, int k) {
    return new EnsembleManifest(
        method,
        task,
        2,
        k,
        List.of(
            new EnsembleManifest.Member("demo/low", 1, A),
            new EnsembleManifest.Member("demo/high", 3, B)),
        null);
  }

  @Test
  void theMeanOfClassifiersIsTheMeanOfTheirProbabilitiesAnsweredAsLogarithms() {
    PublishedEnsemble ensemble =
        new PublishedEnsemble(
            EnsembleManifest.parse(
                twoMembers(EnsembleManifest.Method.MEAN, Task.CLASSIFICATION, 3).toJson(),
                VALIDATOR));
    Matrix rows = Matrix.zeros(1, 2);
    // Logits whose softmax is (0.5, 0.25, 0.25) and (0.25, 0.25, 0.5).
    double[][] a = {{Math.log(2), 0, 0}};
    double[][] b = {{0, 0, Math.log(2)}};
    double[] out = ensemble.combine(rows, List.of(a, b))[0];
    assertThat(PublishedEnsemble.softmax(new double[][] {out})[0])
        .containsExactly(new double[] {0.375, 0.25, 0.375}, within(1e-12));
  }

  @Test
  void aVoteOfClassifiersAnswersTheSharesOfVotesAndStaysFinite() {
    PublishedEnsemble ensemble =
        new PublishedEnsemble(twoMembers(EnsembleManifest.Method.VOTE, Task.CLASSIFICATION, 2));
    // One member is certain beyond double precision: its softmax has an exact 0.
    double[][] a = {{1000, -1000}};
    double[][] b = {{1000, -999}};
    double[] out = ensemble.combine(Matrix.zeros(1, 2), List.of(a, b))[0];
    assertThat(out[0]).isCloseTo(0, within(1e-5));
    assertThat(Double.isFinite(out[1])).isTrue();
  }

  @Test
  void aTiedVoteKeepsItsTieBreakWhenTheOutputsAreFloat32() {
    PublishedEnsemble ensemble =
        new PublishedEnsemble(twoMembers(EnsembleManifest.Method.VOTE, Task.CLASSIFICATION, 3));
    // Two confident members disagree; class 2's mean probability is larger by about 0.01.
    double[][] a = {{5, -3, 0}};
    double[][] b = {{-3, 0, 5.2}};
    double[] out = ensemble.combine(Matrix.zeros(1, 2), List.of(a, b))[0];
    float[] engine = {(float) out[0], (float) out[1], (float) out[2]};
    assertThat(engine[2]).isGreaterThan(engine[0]);
  }

  @Test
  void regressorsAreAveragedOnTheirOwnScale() {
    PublishedEnsemble ensemble =
        new PublishedEnsemble(twoMembers(EnsembleManifest.Method.MEAN, Task.REGRESSION, 1));
    double[][] out =
        ensemble.combine(
            Matrix.zeros(2, 2),
            List.of(new double[][] {{100}, {10}}, new double[][] {{200}, {30}}));
    assertThat(out).isDeepEqualTo(new double[][] {{150}, {20}});
  }

  @Test
  void aSavedSelectorRoutesAsTheOneThatWasTrained() {
    RealData.Labelled[] split = RealData.digits().split(0.8, 42);
    Rkme low = Rkme.builder().setData(split[0].where(label -> label < 5).x()).build();
    Rkme high = Rkme.builder().setData(split[0].where(label -> label >= 5).x()).build();
    JobSelector trained = JobSelector.builder().setCandidates(List.of(low, high)).build();
    EnsembleManifest manifest =
        new EnsembleManifest(
            EnsembleManifest.Method.SELECTOR,
            Task.REGRESSION,
            64,
            1,
            List.of(
                new EnsembleManifest.Member("demo/low", 1, A),
                new EnsembleManifest.Member("demo/high", 1, B)),
            trained.weights());

    EnsembleManifest read = EnsembleManifest.parse(manifest.toJson(), VALIDATOR);
    assertThat(read).isEqualTo(manifest);
    PublishedEnsemble ensemble = new PublishedEnsemble(read);
    Matrix test = split[1].x();
    int[] routes = trained.route(test);
    assertThat(ensemble.route(test)).containsExactly(routes);
    // Each row gets the answer of the member it was routed to: 0 from low, 1 from high.
    double[][] zeros = new double[test.rows()][];
    double[][] ones = new double[test.rows()][];
    for (int r = 0; r < test.rows(); r++) {
      zeros[r] = new double[] {0};
      ones[r] = new double[] {1};
    }
    double[][] out = ensemble.combine(test, List.of(zeros, ones));
    for (int r = 0; r < routes.length; r++) {
      assertThat(out[r][0]).isEqualTo(routes[r]);
    }
  }

  @Test
  void theSchemaAndTheRulesBehindItRejectWhatNoLoaderCouldRun() {
    ObjectNode vote = twoMembers(EnsembleManifest.Method.MEAN, Task.REGRESSION, 1).toJson();
    vote.put("method", "vote");
    assertThat(VALIDATOR.validateEnsemble(vote)).isNotEmpty();

    ObjectNode twice = twoMembers(EnsembleManifest.Method.MEAN, Task.CLASSIFICATION, 2).toJson();
    ((ObjectNode) twice.get("members").get(1)).put("learnware", "demo/low").put("version", 1);
    assertThat(VALIDATOR.validateEnsemble(twice))
        .extracting(Violation::pointer)
        .containsExactly("/members/1");

    ObjectNode badSha = twoMembers(EnsembleManifest.Method.MEAN, Task.CLASSIFICATION, 2).toJson();
    ((ObjectNode) badSha.get("members").get(0)).put("sha256", "ABC");
    assertThat(VALIDATOR.validateEnsemble(badSha))
        .extracting(Violation::pointer)
        .containsExactly("/members/0/sha256");

    ObjectNode noRouter = twoMembers(EnsembleManifest.Method.MEAN, Task.CLASSIFICATION, 2).toJson();
    noRouter.put("method", "selector");
    assertThat(VALIDATOR.validateEnsemble(noRouter)).isNotEmpty();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> EnsembleManifest.parse(noRouter, VALIDATOR))
        .withMessageStartingWith("not a valid ensemble");

    ObjectNode one = twoMembers(EnsembleManifest.Method.MEAN, Task.CLASSIFICATION, 2).toJson();
    ((ArrayNode) one.get("members")).remove(1);
    assertThat(VALIDATOR.validateEnsemble(one))
        .extracting(Violation::pointer)
        .containsExactly("/members");
  }

  @Test
  void aRouterWhoseSizesDoNotAddUpIsRejected() {
    RouterWeights weights =
        new RouterWeights(2, 0, 2, new double[2], new double[2], new double[2 * 2 + 2]);
    ObjectNode doc =
        new EnsembleManifest(
                EnsembleManifest.Method.SELECTOR,
                Task.CLASSIFICATION,
                2,
                2,
                List.of(
                    new EnsembleManifest.Member("demo/low", 1, A),
                    new EnsembleManifest.Member("demo/high", 1, B)),
                weights)
            .toJson();
    ((ArrayNode) doc.get("router").get("parameters")).remove(0);
    ((ObjectNode) doc.get("router")).put("inputs", 3);
    assertThat(VALIDATOR.validateEnsemble(doc))
        .extracting(Violation::pointer)
        .containsExactly("/router/inputs", "/router/mean", "/router/parameters", "/router/scale");
  }
}
