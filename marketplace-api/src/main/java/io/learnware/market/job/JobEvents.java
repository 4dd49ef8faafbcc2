package io.learnware.market.job;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.UUID;

/**
 * Tells waiting claims and event streams that jobs changed in this instance, once the change has
 * committed. Claims and streams also poll, so changes made by other instances reach them too, only
 * later.
 */
@ApplicationScoped
public class JobEvents {

  /** Fired inside the transaction that changed the job. */
  public record JobChanged(UUID id, JobState state) {}

  private final BroadcastProcessor<UUID> changes = BroadcastProcessor.create();
  private final Object queued = new Object();

  void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged changed) {
    if (changed.state() == JobState.QUEUED) {
      synchronized (queued) {
        queued.notifyAll();
      }
    }
    changes.onNext(changed.id());
  }

  /** Ids of jobs as they change. */
  Multi<UUID> changes() {
    return changes;
  }

  /** Waits until a job is queued in this instance, or {@code millis} pass. */
  void awaitQueued(long millis) throws InterruptedException {
    synchronized (queued) {
      queued.wait(Math.max(1, millis));
    }
  }
}
