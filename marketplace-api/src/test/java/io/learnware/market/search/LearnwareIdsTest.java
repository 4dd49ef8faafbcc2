package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LearnwareIdsTest {

  @Test
  void parsesWhatStringAggWritesAndAnswersMembership() {
    LearnwareIds ids = LearnwareIds.parse("42,7,9000000000,7,1");
    assertThat(ids.size()).isEqualTo(5);
    assertThat(LongStream.of(1, 7, 42, 9_000_000_000L).allMatch(ids::test)).isTrue();
    assertThat(LongStream.of(0, 2, 43, 8_999_999_999L, -1).noneMatch(ids::test)).isTrue();
    assertThat(LearnwareIds.parse("5").test(5)).isTrue();
  }

  @Test
  void noRowsIsTheEmptySetAndItsComplementIsEverything() {
    assertThat(LearnwareIds.parse(null).isEmpty()).isTrue();
    assertThat(LearnwareIds.parse("").test(0)).isFalse();
    LongPredicate all = LearnwareIds.NONE.complement();
    assertThat(LongStream.of(0, 1, Long.MAX_VALUE).allMatch(all)).isTrue();
  }

  /** Dense ids (held as a bitmap) and sparse ones (searched) answer alike. */
  @ParameterizedTest
  @CsvSource({"5000, 20000", "3, 9000", "5000, 1000000000000", "64, 64", "1, 1"})
  void agreesWithASetOnRandomIds(int count, long bound) {
    SplittableRandom random = new SplittableRandom(3);
    long[] members = random.longs(count, 1, bound + 1).toArray();
    java.util.Set<Long> expected = new java.util.HashSet<>();
    for (long m : members) {
      expected.add(m);
    }
    LearnwareIds ids = LearnwareIds.of(members.clone());
    LongPredicate others = ids.complement();
    LongStream probes =
        LongStream.concat(
            LongStream.rangeClosed(-65, Math.min(bound, 20_000) + 65),
            LongStream.concat(
                LongStream.of(members),
                LongStream.of(Long.MIN_VALUE, Long.MAX_VALUE, bound + 64, 1L << 40)));
    probes.forEach(
        id -> {
          assertThat(ids.test(id)).as("id %d", id).isEqualTo(expected.contains(id));
          assertThat(others.test(id)).isEqualTo(!expected.contains(id));
        });
  }
}
