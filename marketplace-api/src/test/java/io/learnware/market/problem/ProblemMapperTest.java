package io.learnware.market.problem;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.transaction.RollbackException;
import java.sql.SQLException;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/** How failures that are not the market's own read as problems. */
class ProblemMapperTest {

  @Test
  void aCommitCutOffByADyingDatabaseIsUnavailableNotAnInternalError() {
    // As Narayana reports it (seen in FaultInjectionIT): the reason hides in a suppressed
    // exception.
    XAException xa = new XAException("Error trying to transactionCommit local transaction");
    xa.initCause(
        new SQLException(
            "FATAL: terminating connection due to unexpected postmaster exit", "57P01"));
    RollbackException rollback =
        new RollbackException("ARJUNA016053: Could not commit transaction.");
    rollback.addSuppressed(xa);

    MarketException translated =
        ProblemMapper.translate(new RuntimeException("Error invoking subclass method", rollback));

    assertThat(translated).isInstanceOf(MarketException.Unavailable.class);
    assertThat(translated.status()).isEqualTo(503);
  }

  @Test
  void otherFailuresStayInternal() {
    RollbackException rollback =
        new RollbackException("ARJUNA016053: Could not commit transaction.");
    rollback.addSuppressed(new IllegalStateException("a bug"));

    assertThat(ProblemMapper.translate(new RuntimeException(rollback))).isNull();
  }
}
