package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.search.SearchDtos.Filters;
import io.learnware.market.search.SearchDtos.SearchRequest;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.SpecDocuments;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

/**
 * A search that filters has PostgreSQL plan its queries for their values, not by a generic plan
 * that cannot tell how many learnwares a text query matches (docs/benchmarks.md: twice as slow at
 * 10,000). Checked by the setting the search leaves in its transaction.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class SearchPlansTest {

  @Inject SearchService search;
  @Inject EntityManager em;

  @Test
  void searchesThatFilterArePlannedForTheirValues() {
    var rkme = SpecDocuments.mapper().valueToTree(SeededLearnwares.point(0.5, 1, 2, 3).toSpec());
    assertThat(planning(new SearchRequest("digits", Filters.NONE, null, 10, 0)))
        .isEqualTo("force_custom_plan");
    // A statistical search tests plain text in memory; a phrase needs the database.
    assertThat(planning(new SearchRequest("\"hand written\"", Filters.NONE, rkme, 10, 0)))
        .isEqualTo("force_custom_plan");
    assertThat(planning(new SearchRequest("digits", Filters.NONE, rkme, 10, 0))).isEqualTo("auto");
    // Without a filter nothing is left to chance: the default stays.
    assertThat(planning(new SearchRequest(null, Filters.NONE, rkme, 10, 0))).isEqualTo("auto");
    assertThat(planning(new SearchRequest(null, Filters.NONE, null, 10, 0))).isEqualTo("auto");
  }

  /** The planner setting in force after {@code request}'s search, in the same transaction. */
  private String planning(SearchRequest request) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              search.search(request);
              return (String)
                  em.createNativeQuery("SELECT current_setting('plan_cache_mode')")
                      .getSingleResult();
            });
  }
}
