package io.learnware.market.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link Job}'s state changes: each from the states docs/jobs.md's lifecycle allows, no other. */
class JobTransitionsTest {

  private static final Duration LEASE = Duration.ofSeconds(30);

  @Test
  void aClaimLeasesTheJobAndCountsAnAttempt() {
    Job job = queued(3);
    Instant before = Instant.now();
    job.claim("w1", "cpu", LEASE);
    assertThat(job.state).isEqualTo(JobState.RUNNING);
    assertThat(job.attempts).isEqualTo(1);
    assertThat(job.workerId).isEqualTo("w1");
    assertThat(job.leaseId).isNotNull();
    assertThat(job.leaseExpiresAt).isAfterOrEqualTo(before.plus(LEASE));
    assertThat(job.startedAt).isAfterOrEqualTo(before);
    assertThat(job.message).isEqualTo("running on w1 (cpu, attempt 1)");
    assertThat(job.holds(job.leaseId)).isTrue();
    assertThat(job.holds(UUID.randomUUID())).isFalse();

    UUID first = job.leaseId;
    Instant started = job.startedAt;
    job.requeue("again");
    job.claim("w2", "cpu", LEASE);
    assertThat(job.leaseId).isNotEqualTo(first);
    assertThat(job.holds(first)).isFalse();
    assertThat(job.attempts).isEqualTo(2);
    assertThat(job.startedAt).isEqualTo(started);
  }

  @Test
  void anUnreceivedClaimGivesItsAttemptBack() {
    Job job = queued(3);
    job.claim("gone", "cpu", LEASE);
    job.unclaim();
    assertThat(job.state).isEqualTo(JobState.QUEUED);
    assertThat(job.attempts).isZero();
    assertThat(job.startedAt).isNull();
    assertThat(job.leaseId).isNull();
    assertThat(job.workerId).isNull();
    assertThat(job.message)
        .isEqualTo("queued again: the worker went away before it received the job");
  }

  @Test
  void aHeartbeatRenewsTheLeaseWithClampedProgress() {
    Job job = queued(3);
    job.claim("w", "cpu", LEASE);
    job.heartbeat(1.7, "epoch 3", Duration.ofMinutes(5));
    assertThat(job.progress).isEqualTo(1f);
    assertThat(job.message).isEqualTo("epoch 3");
    assertThat(job.leaseExpiresAt).isAfter(Instant.now().plus(Duration.ofMinutes(4)));
    job.heartbeat(-2.0, null, LEASE);
    assertThat(job.progress).isZero();
    assertThat(job.message).isEqualTo("epoch 3");
  }

  @Test
  void anExpiredLeaseRequeuesUntilTheLastAttemptThenFails() {
    Job job = queued(2);
    job.claim("w1", "cpu", LEASE);
    job.expire();
    assertThat(job.state).isEqualTo(JobState.QUEUED);
    assertThat(job.message).isEqualTo("the lease of w1 expired (attempt 1); queued again");
    assertThat(job.leaseId).isNull();
    assertThat(job.workerId).isNull();
    assertThat(job.attemptsLeft()).isTrue();

    job.claim("w2", "cpu", LEASE);
    assertThat(job.attemptsLeft()).isFalse();
    job.expire();
    assertThat(job.state).isEqualTo(JobState.FAILED);
    assertThat(job.error).isEqualTo("the lease of w2 expired (attempt 2); no attempts left");
    assertThat(job.message).isEqualTo("failed");
    assertThat(job.workerId).isNull();
    assertThat(job.leaseId).isNull();
    assertThat(job.finishedAt).isNotNull();
  }

  @Test
  void successAndFailureEndTheLease() {
    Job done = queued(3);
    done.claim("w", "cpu", LEASE);
    done.succeed("{\"usable\": true}", 42L);
    assertThat(done.state).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.report).isEqualTo("{\"usable\": true}");
    assertThat(done.resultVersionId).isEqualTo(42L);
    assertThat(done.progress).isEqualTo(1f);
    assertThat(done.message).isEqualTo("done");
    assertThat(done.leaseId).isNull();
    assertThat(done.leaseExpiresAt).isNull();
    assertThat(done.finishedAt).isEqualTo(done.updatedAt);

    Job failed = queued(3);
    failed.claim("w", "cpu", LEASE);
    failed.fail("the model does not load");
    assertThat(failed.state).isEqualTo(JobState.FAILED);
    assertThat(failed.error).isEqualTo("the model does not load");
    assertThat(failed.message).isEqualTo("failed");
    assertThat(failed.workerId).isEqualTo("w");
    assertThat(failed.leaseId).isNull();
  }

  @Test
  void queuedAndRunningJobsCancelFinishedOnesKeepTheirState() {
    Job queued = queued(3);
    assertThat(queued.cancel("alice")).isTrue();
    assertThat(queued.state).isEqualTo(JobState.CANCELLED);
    assertThat(queued.message).isEqualTo("cancelled by alice");
    assertThat(queued.finishedAt).isNotNull();

    Job running = queued(3);
    running.claim("w", "cpu", LEASE);
    UUID lease = running.leaseId;
    assertThat(running.cancel("admin")).isTrue();
    assertThat(running.holds(lease)).isFalse();
    assertThat(running.leaseExpiresAt).isNull();

    for (Job finished : List.of(queued, succeeded(), failedJob())) {
      JobState state = finished.state;
      String message = finished.message;
      Instant at = finished.finishedAt;
      assertThat(finished.cancel("bob")).isFalse();
      assertThat(finished.state).isEqualTo(state);
      assertThat(finished.message).isEqualTo(message);
      assertThat(finished.finishedAt).isEqualTo(at);
    }
  }

  @Test
  void otherChangesAreRefused() {
    Job queued = queued(3);
    assertThatThrownBy(queued::queue).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(queued::unclaim).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(queued::expire).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> queued.heartbeat(0.5, null, LEASE))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> queued.requeue("again")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> queued.succeed("{}", null)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> queued.fail("no")).isInstanceOf(IllegalStateException.class);
    assertThat(queued.state).isEqualTo(JobState.QUEUED);

    Job running = queued(3);
    running.claim("w", "cpu", LEASE);
    assertThatThrownBy(() -> running.claim("w2", "cpu", LEASE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is RUNNING");
    assertThat(running.workerId).isEqualTo("w");

    for (Job finished : List.of(succeeded(), failedJob())) {
      JobState state = finished.state;
      assertThatThrownBy(() -> finished.claim("w", "cpu", LEASE))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> finished.succeed("{}", null))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> finished.fail("again")).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(finished::expire).isInstanceOf(IllegalStateException.class);
      assertThat(finished.state).isEqualTo(state);
    }
  }

  private static Job queued(int maxAttempts) {
    Job job = new Job();
    job.id = UUID.randomUUID();
    job.maxAttempts = maxAttempts;
    job.queue();
    assertThat(job.state).isEqualTo(JobState.QUEUED);
    assertThat(job.message).isEqualTo("queued");
    return job;
  }

  private static Job succeeded() {
    Job job = queued(3);
    job.claim("w", "cpu", LEASE);
    job.succeed("{}", null);
    return job;
  }

  private static Job failedJob() {
    Job job = queued(3);
    job.claim("w", "cpu", LEASE);
    job.fail("broken");
    return job;
  }
}
