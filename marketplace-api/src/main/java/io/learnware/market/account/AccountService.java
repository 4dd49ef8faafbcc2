package io.learnware.market.account;

import io.learnware.market.account.AccountModels.CreatedUser;
import io.learnware.market.account.AccountModels.TokenView;
import io.learnware.market.account.AccountModels.WorkerTokenView;
import io.learnware.market.problem.MarketException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Accounts and their API tokens. */
@ApplicationScoped
public class AccountService {

  /**
   * Recording every use would turn each authenticated read into a write; once a minute is plenty.
   */
  private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

  /**
   * Who a token belongs to, and the namespace rule: only owners and admins write under {@code
   * owner/}.
   */
  public record Principal(String username, boolean admin) {

    public void requireWriteAccess(String owner) {
      if (!username.equals(owner) && !admin) {
        throw new MarketException.Forbidden(
            "'" + owner + "' is not your namespace; you may write only under '" + username + "/'.");
      }
    }
  }

  @Transactional
  public CreatedUser createUser(String username, boolean admin) {
    if (Account.findByUsername(username).isPresent()) {
      throw new MarketException.Conflict("The username '" + username + "' is taken.");
    }
    Account account = new Account();
    account.username = username;
    account.admin = admin;
    account.persist();
    return new CreatedUser(username, issueToken(username, "initial", null).token());
  }

  /** Creates a token for {@code username}; with {@code secret == null} a random one. */
  @Transactional
  public TokenView issueToken(String username, String name, String secret) {
    String token = secret == null ? Tokens.newSecret() : secret;
    ApiToken row = new ApiToken();
    row.id = UUID.randomUUID();
    row.username = username;
    row.name = name == null || name.isBlank() ? "token" : name;
    row.tokenHash = Tokens.hash(token);
    row.prefix = Tokens.displayPrefix(token);
    row.persistAndFlush();
    return new TokenView(row.id, row.name, row.prefix, row.createdAt, null, token);
  }

  @Transactional
  public List<TokenView> tokens(String username) {
    return ApiToken.listByUsername(username).stream()
        .map(t -> new TokenView(t.id, t.name, t.prefix, t.createdAt, t.lastUsedAt, null))
        .toList();
  }

  @Transactional
  public void revokeToken(String username, UUID id) {
    ApiToken token =
        ApiToken.findByIdAndUsername(id, username)
            .orElseThrow(
                () -> new MarketException.NotFound("You have no token with id " + id + "."));
    token.delete();
  }

  /** Creates a worker token; with {@code secret == null} a random one. */
  @Transactional
  public WorkerTokenView issueWorkerToken(String name, String secret) {
    if (WorkerToken.findByName(name).isPresent()) {
      throw new MarketException.Conflict("A worker token named '" + name + "' exists.");
    }
    String token = secret == null ? Tokens.newWorkerSecret() : secret;
    if (!Tokens.isWorkerSecret(token)) {
      throw new MarketException.InvalidInput(
          "/token", "worker tokens start with '" + Tokens.WORKER_PREFIX + "'");
    }
    WorkerToken row = new WorkerToken();
    row.id = UUID.randomUUID();
    row.name = name;
    row.tokenHash = Tokens.hash(token);
    row.prefix = Tokens.displayPrefix(token);
    row.persistAndFlush();
    return new WorkerTokenView(row.id, row.name, row.prefix, row.createdAt, null, token);
  }

  @Transactional
  public List<WorkerTokenView> workerTokens() {
    return WorkerToken.listAll().stream()
        .map(t -> new WorkerTokenView(t.id, t.name, t.prefix, t.createdAt, t.lastUsedAt, null))
        .toList();
  }

  @Transactional
  public void revokeWorkerToken(UUID id) {
    WorkerToken.<WorkerToken>findByIdOptional(id)
        .orElseThrow(() -> new MarketException.NotFound("No worker token with id " + id + "."))
        .delete();
  }

  /** The name of the worker token {@code secret}, if it is one. */
  @Transactional
  public Optional<String> authenticateWorker(String secret) {
    return WorkerToken.findByHash(Tokens.hash(secret))
        .map(
            token -> {
              Instant now = Instant.now();
              if (token.lastUsedAt == null
                  || token.lastUsedAt.isBefore(now.minus(LAST_USED_RESOLUTION))) {
                token.lastUsedAt = now;
              }
              return token.name;
            });
  }

  /** Whether {@code secret} has the form of a worker token (which user endpoints never accept). */
  public static boolean isWorkerSecret(String secret) {
    return Tokens.isWorkerSecret(secret);
  }

  /** Resolves a presented secret to its account, noting the use. */
  @Transactional
  public Optional<Principal> authenticate(String secret) {
    return ApiToken.findByHash(Tokens.hash(secret))
        .flatMap(
            token -> {
              Instant now = Instant.now();
              if (token.lastUsedAt == null
                  || token.lastUsedAt.isBefore(now.minus(LAST_USED_RESOLUTION))) {
                token.lastUsedAt = now;
              }
              return Account.findByUsername(token.username);
            })
        .map(account -> new Principal(account.username, account.admin));
  }
}
