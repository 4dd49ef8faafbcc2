package io.learnware.market.learnware;

import io.learnware.market.cluster.Notices;
import io.learnware.market.cluster.Topic;
import io.learnware.market.learnware.LearnwareEvents.LearnwareChanged;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.interceptor.Interceptor;

/**
 * Keeps every API instance's browse pages ({@link LearnwareQueries#BROWSE_CACHE}) current: a
 * learnware change empties this instance's once it has committed (not before, or a browse running
 * meanwhile would keep the old page), and is sent to the other instances in its transaction, which
 * empty theirs when it arrives.
 */
@ApplicationScoped
public class LearnwareNotices {

  private final Notices notices;
  private final Cache browse;

  public LearnwareNotices(Notices notices, @CacheName(LearnwareQueries.BROWSE_CACHE) Cache browse) {
    this.notices = notices;
    this.browse = browse;
  }

  void publish(@Observes LearnwareChanged changed) {
    notices.publish(Topic.LEARNWARE, Long.toString(changed.learnwareId()));
  }

  void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) LearnwareChanged changed) {
    emptyBrowsePages();
  }

  // Before the index re-reads anything (default priority): emptying the pages takes no query.
  void received(@Observes @Priority(Interceptor.Priority.APPLICATION) Notices.Received received) {
    if (received.topic() == Topic.LEARNWARE) {
      emptyBrowsePages();
    }
  }

  void resync(@Observes Notices.Resync resync) {
    emptyBrowsePages();
  }

  private void emptyBrowsePages() {
    browse.invalidateAll().await().indefinitely();
  }
}
