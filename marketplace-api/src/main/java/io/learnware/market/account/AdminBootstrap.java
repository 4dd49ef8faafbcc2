package io.learnware.market.account;

import io.learnware.market.MarketConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.logging.Logger;

/**
 * On first start (no accounts yet) creates {@code admin}. Its token is {@code
 * learnware.admin-token} when set; otherwise one is generated, logged once and written to {@code
 * <data dir>/admin-token} with mode 600.
 */
@ApplicationScoped
public class AdminBootstrap {

  private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);
  static final String ADMIN = "admin";
  static final String LOCAL_WORKER = "local";

  private final AccountService accounts;
  private final MarketConfig config;
  private final EntityManager em;

  public AdminBootstrap(AccountService accounts, MarketConfig config, EntityManager em) {
    this.accounts = accounts;
    this.config = config;
    this.em = em;
  }

  @Transactional
  void onStart(@Observes StartupEvent event) {
    // Several API instances may share one database: let one of them bootstrap.
    em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtextextended('admin-bootstrap', 0))")
        .getSingleResult();
    bootstrapLocalWorker();
    if (Account.count() > 0) {
      return;
    }
    accounts.createAccount(ADMIN, true);
    if (config.adminToken().isPresent()) {
      accounts.issueToken(ADMIN, "admin", config.adminToken().get());
      LOG.info("Created user 'admin' with the token from learnware.admin-token");
      return;
    }
    String token = accounts.issueToken(ADMIN, "admin", null).token();
    Path file = writeTokenFile(token);
    LOG.infof("Created user 'admin'. Its token (shown once, also in %s): %s", file, token);
  }

  /**
   * The worker {@code bin/market} starts beside the API needs a credential: {@code
   * learnware.worker-token} when set, else a generated one written to {@code <data
   * dir>/worker-token} (mode 600), kept as the worker token named {@value #LOCAL_WORKER}.
   */
  private void bootstrapLocalWorker() {
    if (WorkerToken.findByName(LOCAL_WORKER).isPresent()) {
      return;
    }
    if (config.workerToken().isPresent()) {
      accounts.issueWorkerToken(LOCAL_WORKER, config.workerToken().get());
      return;
    }
    String token = accounts.issueWorkerToken(LOCAL_WORKER, null).token();
    writeTokenFile("worker-token", token);
  }

  private Path writeTokenFile(String token) {
    return writeTokenFile("admin-token", token);
  }

  private Path writeTokenFile(String name, String token) {
    Path file = config.dataDir().resolve(name);
    try {
      Files.createDirectories(config.dataDir());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, token + "\n", StandardOpenOption.TRUNCATE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }
}
