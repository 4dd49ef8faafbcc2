package io.learnware.market.job;

import io.learnware.market.cluster.Notices;
import io.learnware.market.cluster.Topic;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.operators.multi.processors.SerializedProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.UUID;

/**
 * Tells waiting claims and event streams that jobs changed, once the change has committed: in this
 * instance at once, in the others through a notice ({@link Notices}) sent in the changing
 * transaction. After the notice connection was re-established every stream re-reads its job and
 * every claim looks again.
 */
@ApplicationScoped
public class JobEvents {

  /** Fired inside the transaction that changed the job. */
  public record JobChanged(UUID id, JobState state) {}

  /** Stands for every job: sent after notices may have been lost. */
  private static final UUID EVERY_JOB = new UUID(0, 0);

  private final BroadcastProcessor<UUID> changes = BroadcastProcessor.create();

  // Serialized: commits in request threads and the notice thread emit concurrently.
  private final SerializedProcessor<UUID, UUID> emitter = changes.serialized();
  private final Object queued = new Object();
  private final Notices notices;

  public JobEvents(Notices notices) {
    this.notices = notices;
  }

  void publish(@Observes JobChanged changed) {
    notices.publish(Topic.JOB, changed.id() + " " + changed.state());
  }

  void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged changed) {
    signal(changed.id(), changed.state());
  }

  void received(@Observes Notices.Received received) {
    if (received.topic() == Topic.JOB) {
      for (String key : received.keys()) {
        int space = key.indexOf(' ');
        signal(
            UUID.fromString(key.substring(0, space)), JobState.valueOf(key.substring(space + 1)));
      }
    }
  }

  void resync(@Observes Notices.Resync resync) {
    signal(EVERY_JOB, JobState.QUEUED);
  }

  private void signal(UUID id, JobState state) {
    if (state == JobState.QUEUED) {
      synchronized (queued) {
        queued.notifyAll();
      }
    }
    emitter.onNext(id);
  }

  /** Signals each change of job {@code id}, and every resync. */
  Multi<UUID> changesOf(UUID id) {
    return changes.filter(changed -> changed.equals(id) || changed.equals(EVERY_JOB));
  }

  /** Waits until a job is queued, or {@code millis} pass. */
  void awaitQueued(long millis) throws InterruptedException {
    synchronized (queued) {
      queued.wait(Math.max(1, millis));
    }
  }
}
