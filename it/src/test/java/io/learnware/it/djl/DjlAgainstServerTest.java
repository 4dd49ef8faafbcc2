package io.learnware.it.djl;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.Sha256;
import io.learnware.djl.LearnwareModel;
import io.learnware.djl.examples.DigitsExample;
import io.learnware.djl.examples.ReuseExample;
import io.learnware.it.support.MarketFixture;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.reuse.EnsembleManifest.Method;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.testing.Ensembles;
import io.learnware.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL programs against the real market: a {@code learnware://} URL loads a stored learnware
 * (downloaded, checked, cached), the example program measures it, and two learnwares trained on
 * halves of the digits are reused at once by ensembles and the RKME job selector.
 */
class DjlAgainstServerTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  private static final Path TEST_ROWS = Fixtures.path("data/digits-test.csv.gz");

  @TempDir Path cache;

  @BeforeEach
  void privateCache() {
    System.setProperty("learnware.cache", cache.toString());
  }

  @AfterEach
  void defaultCache() {
    System.clearProperty("learnware.cache");
  }

  @Test
  void theExampleProgramLoadsALearnwareByUrlAndMeasuresIt() throws Exception {
    String token = market.newUser("djl");
    String owner = market.usernameOf(token);
    market.uploadDigits(token, owner, "digits").then().statusCode(201);
    market.validateAll();
    String modelSha = Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL));

    double accuracy = DigitsExample.accuracy(url(owner + "/digits@latest"), TEST_ROWS);

    // fixtures/README.md: the digits MLP's test accuracy is 0.9167 (330 / 360).
    assertThat(accuracy).isEqualTo(330 / 360.0);
    assertThat(cache.resolve("blobs").resolve(modelSha))
        .hasBinaryContent(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    Path pulled =
        cache
            .resolve("djl")
            .resolve("localhost_" + market.port())
            .resolve(owner + "/digits/latest");
    assertThat(pulled.resolve("model.pt")).hasBinaryContent(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    assertThat(pulled.resolve("spec.json")).exists();

    // Loaded again by version number: the bytes come from the cache, checked again.
    Files.delete(pulled.resolve("model.pt"));
    assertThat(DigitsExample.accuracy(url(owner + "/digits@1"), TEST_ROWS)).isEqualTo(accuracy);
  }

  @Test
  void anOnnxLearnwareLoadsOnOnnxRuntimeAndAnswersProbabilities() throws Exception {
    String token = market.newUser("onnx");
    String owner = market.usernameOf(token);
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    ((ObjectNode) spec.get("model")).put("format", "onnx").remove("featureExtractor");
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.toString().getBytes(), "application/json")
        .multiPart(
            "model",
            "model.onnx",
            Fixtures.bytes("digits-mlp/model.onnx"),
            "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/digits-onnx/versions", owner)
        .then()
        .statusCode(201);
    CsvTables.Table test = CsvTables.read(TEST_ROWS, "label", ProgressListener.none());
    int[] labels = test.labels().stream().mapToInt(Integer::parseInt).toArray();

    try (LearnwareModel model = LearnwareModel.load(url(owner + "/digits-onnx"))) {
      double[][] p = model.probabilities(test.features());

      assertThat(model.model().getNDManager().getEngine().getEngineName()).isEqualTo("OnnxRuntime");
      assertThat(model.rkme()).isEmpty();
      assertThat(p[0]).hasSize(10);
      assertThat(Arrays.stream(p[0]).sum()).isCloseTo(1.0, within(1e-6));
      // The same weights as the TorchScript fixture: 330 of the 360 test rows.
      assertThat(ProbabilisticClassifier.accuracy(p, labels)).isEqualTo(330 / 360.0);
    }
  }

  @Test
  void anUnknownLearnwareFailsTheLoadWithTheMarketsReason() {
    String owner = market.usernameOf(market.newUser("missing"));

    // DJL asks the repository for its resources while building the criteria, where it cannot
    // throw IOException: the pull's failure comes out unchecked, with the market's problem.
    assertThatExceptionOfType(UncheckedIOException.class)
        .isThrownBy(() -> loadWithCriteria(url(owner + "/nothing@1")))
        .withMessageContaining("Not found (HTTP 404): No learnware " + owner + "/nothing.")
        .withCauseInstanceOf(IOException.class);
  }

  @Test
  void aPrivateLearnwareLoadsWithATokenThatMayReadItAndIsNotFoundWithout() throws Exception {
    String token = market.newUser("private");
    String owner = market.usernameOf(token);
    String outsider = market.newUser("outsider");
    market
        .digitsUpload(token)
        .queryParam("visibility", "private")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, "digits")
        .then()
        .statusCode(201);
    market.validateAll();
    String url = url(owner + "/digits");

    try {
      // docs/access.md: without a token that may read it, a private learnware is not found, the
      // same answer as for one that does not exist; nothing is pulled.
      assertThatExceptionOfType(IOException.class)
          .isThrownBy(() -> LearnwareModel.load(url))
          .withMessage(url + ": Not found (HTTP 404): No learnware " + owner + "/digits.");
      System.setProperty("learnware.token", outsider);
      assertThatExceptionOfType(UncheckedIOException.class)
          .isThrownBy(() -> loadWithCriteria(url))
          .withMessageContaining("Not found (HTTP 404): No learnware " + owner + "/digits.");
      assertThat(cache.resolve("djl")).doesNotExist();

      System.setProperty("learnware.token", token);
      assertThat(DigitsExample.accuracy(url, TEST_ROWS)).isEqualTo(330 / 360.0);

      // The pulled copy in the cache does not let a caller without the token in: the market is
      // asked each time.
      System.clearProperty("learnware.token");
      assertThatExceptionOfType(IOException.class)
          .isThrownBy(() -> LearnwareModel.load(url))
          .withMessageContaining("Not found (HTTP 404)");
    } finally {
      System.clearProperty("learnware.token");
    }
  }

  @Test
  void aUserWhoseDataSpanTwoLearnwaresDoesBetterWithTheSelectorOrEnsemble() throws Exception {
    String token = market.newUser("reuse");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.validateAll();

    ReuseExample.Measurement m =
        ReuseExample.measure(
            TEST_ROWS, List.of(url(owner + "/digits-low"), url(owner + "/digits-high")));

    // fixtures/digits-split.json: alone, each is right on about half of the 360 test rows.
    assertThat(m.rows()).isEqualTo(360);
    assertThat(m.single()[0]).isCloseTo(166 / 360.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.single()[1]).isCloseTo(173 / 360.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.selector()).isGreaterThan(0.85).isGreaterThan(m.bestSingle() + 0.3);
    assertThat(m.mean()).isGreaterThan(m.bestSingle());
    assertThat(m.vote()).isGreaterThan(m.bestSingle());
  }

  @Test
  void aPublishedEnsembleLoadsItsPinnedMembersAndAnswersTheirMean() throws Exception {
    String token = market.newUser("ensemble");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.validateAll();
    Ensembles.upload(token, owner, "both", Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)))
        .then()
        .statusCode(201);
    CsvTables.Table test = CsvTables.read(TEST_ROWS, "label", ProgressListener.none());
    int[] labels = test.labels().stream().mapToInt(Integer::parseInt).toArray();

    try (LearnwareModel both = LearnwareModel.load(url(owner + "/both"));
        LearnwareModel low = LearnwareModel.load(url(owner + "/digits-low@1"));
        LearnwareModel high = LearnwareModel.load(url(owner + "/digits-high@1"))) {
      double[][] p = both.probabilities(test.features());
      double[][] pLow = low.probabilities(test.features());
      double[][] pHigh = high.probabilities(test.features());

      assertThat(both.ensemble()).get().extracting(m -> m.method()).isEqualTo(Method.MEAN);
      assertThat(both.members())
          .extracting(LearnwareModel::url)
          .containsExactly(url(owner + "/digits-low@1"), url(owner + "/digits-high@1"));
      assertThat(p).hasNumberOfRows(360);
      for (int r = 0; r < p.length; r++) {
        for (int c = 0; c < 10; c++) {
          assertThat(p[r][c]).isCloseTo((pLow[r][c] + pHigh[r][c]) / 2, within(1e-12));
        }
      }
      // docs/reuse.md: the mean of the two halves is right on 0.8278 of the 360 test rows.
      assertThat(ProbabilisticClassifier.accuracy(p, labels)).isEqualTo(298 / 360.0);
    }
    // DJL's own criteria cannot load an ensemble as one model, and say what can.
    assertThatExceptionOfType(UncheckedIOException.class)
        .isThrownBy(() -> loadWithCriteria(url(owner + "/both")))
        .withMessageContaining(
            "is a published ensemble, not one model: load it with" + " LearnwareModel.load");
  }

  @Test
  void anEnsembleWhoseMemberIsNotThePinnedVersionIsRefused() throws Exception {
    String token = market.newUser("tampered");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.uploadDigits(token, owner, "digits").then().statusCode(201);
    market.validateAll();
    Ensembles.upload(token, owner, "both", Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)))
        .then()
        .statusCode(201);
    String pinned = Ensembles.halves(owner).get(1).sha256();
    String other = Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    // A market that serves other bytes for a pinned version than those pinned (the API never
    // lets this happen: it is simulated by rewriting the version's row).
    serveAsDigitsHigh(owner, other);
    try {
      assertThatExceptionOfType(IOException.class)
          .isThrownBy(() -> LearnwareModel.load(url(owner + "/both")))
          .withMessageContaining(
              "its member %s/digits-high@1 has a model of SHA-256 %s, but the ensemble pins %s"
                  .formatted(owner, other, pinned));
    } finally {
      serveAsDigitsHigh(owner, pinned);
    }
  }

  private static void serveAsDigitsHigh(String owner, String sha256) throws Exception {
    try (Connection db = market.database();
        PreparedStatement update =
            db.prepareStatement(
                "UPDATE learnware_version v SET model_sha256 = ? FROM learnware l"
                    + " WHERE l.id = v.learnware_id AND l.owner = ?"
                    + " AND l.name = 'digits-high' AND v.version = 1")) {
      update.setString(1, sha256);
      update.setString(2, owner);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  /** Loads the model at {@code url} through DJL's own criteria, as any DJL program may. */
  private static void loadWithCriteria(String url) throws Exception {
    Criteria.builder().setTypes(NDList.class, NDList.class).optModelUrls(url).build().loadModel();
  }

  private static String url(String ref) {
    return market.learnwareUrl(ref);
  }
}
