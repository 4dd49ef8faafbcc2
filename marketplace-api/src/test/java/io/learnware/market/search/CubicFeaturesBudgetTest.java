package io.learnware.market.search;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.search.StatisticalIndex.StateFilter;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The cubic block is memory: a space gets it while {@code learnware.search.cubic-features} has room
 * for its learnwares' blocks and a quarter more (at least 64), and loses it, with what it held,
 * once it grows past that and the budget has no more.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class CubicFeaturesBudgetTest {

  private static final RkmeSpace SPACE = new RkmeSpace("table/d=3/gamma=0.7");

  /** One learnware's cubic block at d = 3: ten floats. */
  private static final long EACH = TaylorFeatures.cubicSize(3) * Float.BYTES;

  @Inject DataSource dataSource;
  @Inject StatisticalIndex index;

  @Test
  void aSpaceHoldsItsCubicBlockWhileTheBudgetHasRoom() throws Exception {
    FeatureIndex features = new FeatureIndex(300 * EACH);
    try {
      String token = MARKET.newUser("cubic");
      String owner = MARKET.usernameOf(token);
      MARKET.uploadDigits(token, owner, "model-holder").then().statusCode(201);

      seed(owner, 0, 60);
      FeatureIndex.SpaceFeatures small = featuresOf(features);
      assertThat(small.taylor.cubic()).isTrue();
      assertThat(small.byVersion).hasSize(60);
      assertThat(small.byVersion.values())
          .allSatisfy(f -> assertThat(f.values()).hasSize(1 + 3 + 6 + 10));
      assertThat(features.cubicHeld()).isEqualTo((60 + 64) * EACH);

      // Past its room of 124 the space's features are computed again, with room for 200 + 64.
      seed(owner, 60, 200);
      FeatureIndex.SpaceFeatures grown = featuresOf(features);
      assertThat(grown).isNotSameAs(small);
      assertThat(grown.taylor.cubic()).isTrue();
      assertThat(grown.byVersion).hasSize(200);
      assertThat(features.cubicHeld()).isEqualTo((200 + 64) * EACH);

      // 400 + 100 do not fit in 300: the space goes on without the cubic block, and holds nothing.
      seed(owner, 200, 400);
      FeatureIndex.SpaceFeatures large = featuresOf(features);
      assertThat(large.taylor.cubic()).isFalse();
      assertThat(large.byVersion).hasSize(400);
      assertThat(large.byVersion.values())
          .allSatisfy(f -> assertThat(f.values()).hasSize(1 + 3 + 6));
      assertThat(features.cubicHeld()).isZero();
    } finally {
      features.stop();
    }
  }

  /** Learnwares {@code from..to-1} at {@code (i / 10, 0, 0)}. */
  private void seed(String owner, int from, int to) throws Exception {
    SeededLearnwares.seed(
        dataSource, owner, from, to, i -> SeededLearnwares.point(0.7, i / 10.0, 0, 0).toSpec());
    index.reload();
  }

  private FeatureIndex.SpaceFeatures featuresOf(FeatureIndex features) {
    return QuarkusTransaction.requiringNew()
        .call(() -> features.of(SPACE, index.members(SPACE, id -> true, StateFilter.USABLE)));
  }
}
