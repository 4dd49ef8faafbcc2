package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.learnware.VersionState;
import io.learnware.market.search.SearchDtos.Filters;
import io.learnware.market.search.StatisticalIndex.SpaceIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A space's filters narrowed by the owners and lexemes it lists: the learnwares they should pass,
 * testing only the listed ones where a rare key allows, and every slot where it does not.
 */
class PostingsTest {

  private static final int LIMIT = Postings.LIMIT;
  private static final byte USABLE = (byte) VersionState.USABLE.ordinal();

  @Test
  void keysAreListedUpToTheLimitThenCountedThenListedAgainAtHalf() {
    Postings postings = new Postings();
    assertThat(postings.of("unknown")).isEmpty();
    for (long id = 1; id <= 5; id++) {
      postings.add("few", id);
    }
    assertThat(postings.remove("few", 2)).isFalse();
    assertThat(postings.of("few")).containsExactlyInAnyOrder(1L, 3L, 4L, 5L);

    for (long id = 1; id <= LIMIT; id++) {
      postings.add("many", id);
    }
    assertThat(postings.of("many")).hasSize(LIMIT);
    postings.add("many", LIMIT + 1);
    assertThat(postings.of("many")).isNull();
    List<Long> relistedAt = new ArrayList<>();
    for (long id = LIMIT + 1; id > 1; id--) {
      if (postings.remove("many", id)) {
        relistedAt.add(id);
        postings.relist("many", LongStream.rangeClosed(1, id - 1).toArray());
      }
    }
    // Relisted once, when LIMIT / 2 were left; later removals leave the list.
    assertThat(relistedAt).containsExactly((long) LIMIT / 2 + 1);
    assertThat(postings.of("many")).containsExactly(1L);
    assertThat(postings.remove("many", 1)).isFalse();
    assertThat(postings.of("many")).isEmpty();
  }

  @Test
  void aSpaceFiltersByItsListsAsByAWalk() {
    SpaceIndex index = new SpaceIndex();
    Map<Long, Facets> held = new HashMap<>();
    // "big" owns 6,000 of 12,000 (more than the limit); "half" is a lexeme of 6,000.
    for (long id = 1; id <= 12_000; id++) {
      put(index, held, id, id <= 6000 ? "big" : "small-" + id % 50);
    }
    List<Case> filters = filters();
    List<Integer> walked =
        List.of(12_000, 120, 24, 24, 48, 12_000, 12_000, 0, 12_000, 120, 24, 12_000);
    for (int i = 0; i < filters.size(); i++) {
      assertThat(tested(index, held, filters.get(i))).as("filter %d", i).isEqualTo(walked.get(i));
    }

    // "big" falls to 2,000, is listed again at 2,048, then grows to 2,100 by its list.
    for (long id = 1; id <= 4000; id++) {
      index.remove(id);
      held.remove(id);
    }
    for (long id = 20_001; id <= 20_100; id++) {
      put(index, held, id, "big");
    }
    walked = List.of(2_100, 120, 17, 17, 34, 8_100, 8_100, 0, 8_100, 120, 17, 8_100);
    for (int i = 0; i < filters.size(); i++) {
      assertThat(tested(index, held, filters.get(i))).as("filter %d", i).isEqualTo(walked.get(i));
    }
  }

  /** Owners, words and their combinations, narrowed or not. */
  private static List<Case> filters() {
    TextQuery rare = new TextQuery.Lexeme("rare-7");
    TextQuery otherRare = new TextQuery.Lexeme("rare-8");
    TextQuery half = new TextQuery.Lexeme("half");
    TextQuery common = new TextQuery.Lexeme("common");
    return List.of(
        new Case("big", null),
        new Case("small-3", null),
        new Case(null, rare),
        new Case(null, new TextQuery.And(common, rare)),
        new Case(null, new TextQuery.Or(rare, otherRare)),
        new Case(null, new TextQuery.Or(rare, half)),
        new Case(null, new TextQuery.Not(rare)),
        new Case(null, TextQuery.NOTHING),
        new Case(null, half),
        new Case("small-3", half),
        new Case("small-3", rare),
        new Case(null, null));
  }

  private record Case(String owner, TextQuery text) {
    /** What the filter should pass, tested directly. */
    boolean passes(Facets f) {
      return (owner == null || owner.equals(f.owner()))
          && (text == null || text.matches(f.lexemes()));
    }
  }

  /**
   * Checks that the search's filter for {@code c} passes exactly what it should, and returns on how
   * many facets it was tested to find them.
   */
  private static int tested(SpaceIndex index, Map<Long, Facets> held, Case c) {
    Facets.Filter filter =
        Facets.filter(
                new Filters(null, null, null, null, c.owner(), null, null, null, null), c.text())
            .orElseThrow();
    AtomicInteger tests = new AtomicInteger();
    Predicate<Facets> counted =
        f -> {
          tests.incrementAndGet();
          return filter.passes().test(f);
        };
    LearnwareIds found = index.matching(new Facets.Filter(counted, filter.owner(), filter.text()));
    List<Long> expected = held.keySet().stream().filter(id -> c.passes(held.get(id))).toList();
    assertThat(found.size()).isEqualTo(expected.size());
    expected.forEach(id -> assertThat(found.test(id)).isTrue());
    return tests.get();
  }

  private static void put(SpaceIndex index, Map<Long, Facets> held, long id, String owner) {
    List<String> lexemes = new ArrayList<>(List.of("common", "n-" + id, "rare-" + id % 500));
    if (id % 2 == 0) {
      lexemes.add("half");
    }
    Facets facets = SketchIndexTest.ownedBy(owner, lexemes.toArray(String[]::new));
    index.put(
        id,
        1000 + id,
        USABLE,
        VersionRkme.encode(new float[RandomFeatureSketch.DIMENSION]),
        facets);
    held.put(id, facets);
  }
}
