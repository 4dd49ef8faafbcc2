package io.learnware.market.account;

import io.learnware.market.abuse.Quotas;
import io.learnware.market.account.AccountDtos.CreatedUser;
import io.learnware.market.account.AccountDtos.TokenView;
import io.learnware.market.account.AccountDtos.WorkerTokenView;
import io.learnware.market.audit.AuditLog;
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

  private final AuditLog audit;
  private final Quotas quotas;

  public AccountService(AuditLog audit, Quotas quotas) {
    this.audit = audit;
    this.quotas = quotas;
  }

  /**
   * Recording every use would turn each authenticated read into a write; once a minute is plenty.
   */
  private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

  @Transactional
  public CreatedUser createUser(String username, boolean admin) {
    createAccount(username, admin);
    return new CreatedUser(username, issueToken(username, "initial", null).token());
  }

  /** The account with its own namespace, whose one member (admin) it is. */
  @Transactional(Transactional.TxType.MANDATORY)
  void createAccount(String username, boolean admin) {
    if (Namespace.findByName(username).isPresent()) {
      throw new MarketException.Conflict(
          "The name '" + username + "' is taken (by a user or an organisation).");
    }
    Account account = new Account();
    account.username = username;
    account.admin = admin;
    account.persist();
    Namespace namespace = new Namespace();
    namespace.name = username;
    namespace.kind = Namespace.USER;
    namespace.persist();
    NamespaceMember member = new NamespaceMember();
    member.namespace = username;
    member.username = username;
    member.role = Role.ADMIN.jsonName();
    member.persist();
  }

  /**
   * Creates a token with every scope for {@code username}; with {@code secret == null} a random
   * one.
   */
  @Transactional
  public TokenView issueToken(String username, String name, String secret) {
    return issueToken(username, new TokenRequest(name, Scope.ALL, null, null), secret);
  }

  /**
   * What a new token may carry: a subset of the creating token's scopes and namespaces (a token
   * never grants more than it has), namespaces the user belongs to, an expiry in the future.
   */
  public record TokenRequest(
      String name,
      java.util.Set<Scope> scopes,
      java.util.Set<String> namespaces,
      Instant expiresAt) {}

  /** Creates a token on behalf of {@code creator} (the caller's own token). */
  @Transactional
  public TokenView createToken(Principal creator, TokenRequest request) {
    java.util.Set<Scope> scopes = request.scopes() == null ? creator.scopes() : request.scopes();
    if (scopes.isEmpty()) {
      throw new MarketException.InvalidInput("/scopes", "must name at least one scope");
    }
    for (Scope scope : scopes) {
      if (!creator.has(scope)) {
        throw new MarketException.MissingScope(
            "A token cannot grant the scope '"
                + scope.jsonName()
                + "', which the token creating it lacks.");
      }
    }
    java.util.Set<String> namespaces =
        request.namespaces() == null ? creator.namespaces() : request.namespaces();
    if (namespaces != null) {
      if (namespaces.isEmpty()) {
        throw new MarketException.InvalidInput(
            "/namespaces", "must name at least one namespace, or be left out for all");
      }
      for (String namespace : namespaces) {
        if (!creator.reaches(namespace)) {
          throw new MarketException.MissingScope(
              "A token cannot reach '"
                  + namespace
                  + "', which the token creating it is not allowed in.");
        }
        if (!creator.admin()
            && NamespaceMember.findMember(namespace, creator.username()).isEmpty()) {
          throw new MarketException.InvalidInput(
              "/namespaces", "you are not a member of '" + namespace + "'");
        }
      }
    }
    if (request.expiresAt() != null && !request.expiresAt().isAfter(Instant.now())) {
      throw new MarketException.InvalidInput("/expiresAt", "must be in the future");
    }
    quotas.requireTokenSlot(creator);
    TokenView token =
        issueToken(
            creator.username(),
            new TokenRequest(request.name(), scopes, namespaces, request.expiresAt()),
            null);
    audit.record(
        creator.username(),
        creator.username(),
        null,
        AuditLog.Action.TOKEN_CREATED,
        tokenDetail(token));
    return token;
  }

  private TokenView issueToken(String username, TokenRequest request, String secret) {
    String token = secret == null ? Tokens.newSecret() : secret;
    ApiToken row = new ApiToken();
    row.id = UUID.randomUUID();
    row.username = username;
    row.name = request.name() == null || request.name().isBlank() ? "token" : request.name();
    row.tokenHash = Tokens.hash(token);
    row.prefix = Tokens.displayPrefix(token);
    row.scopes = request.scopes().stream().sorted().map(Scope::jsonName).toArray(String[]::new);
    row.namespaces =
        request.namespaces() == null
            ? null
            : request.namespaces().stream().sorted().toArray(String[]::new);
    row.expiresAt = request.expiresAt();
    row.persistAndFlush();
    return viewOf(row, token);
  }

  private static java.util.Map<String, Object> tokenDetail(TokenView token) {
    java.util.Map<String, Object> detail = new java.util.LinkedHashMap<>();
    detail.put("id", token.id().toString());
    detail.put("name", token.name());
    detail.put("prefix", token.prefix());
    detail.put("scopes", token.scopes());
    if (token.namespaces() != null) {
      detail.put("namespaces", token.namespaces());
    }
    if (token.expiresAt() != null) {
      detail.put("expiresAt", token.expiresAt().toString());
    }
    return detail;
  }

  private static TokenView viewOf(ApiToken t, String secret) {
    return new TokenView(
        t.id,
        t.name,
        t.prefix,
        List.of(t.scopes),
        t.namespaces == null ? null : List.of(t.namespaces),
        t.createdAt,
        t.lastUsedAt,
        t.expiresAt,
        secret);
  }

  @Transactional
  public List<TokenView> tokens(String username) {
    return ApiToken.listByUsername(username).stream().map(t -> viewOf(t, null)).toList();
  }

  @Transactional
  public void revokeToken(String username, UUID id) {
    ApiToken token =
        ApiToken.findByIdAndUsername(id, username)
            .orElseThrow(
                () -> new MarketException.NotFound("You have no token with id " + id + "."));
    audit.record(
        username, username, null, AuditLog.Action.TOKEN_REVOKED, tokenDetail(viewOf(token, null)));
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

  /** Resolves a presented secret to its account, noting the use; expired tokens resolve to none. */
  @Transactional
  public Optional<Principal> authenticate(String secret) {
    Instant now = Instant.now();
    return ApiToken.findByHash(Tokens.hash(secret))
        .filter(token -> token.expiresAt == null || token.expiresAt.isAfter(now))
        .flatMap(
            token -> {
              if (token.lastUsedAt == null
                  || token.lastUsedAt.isBefore(now.minus(LAST_USED_RESOLUTION))) {
                token.lastUsedAt = now;
              }
              return Account.findByUsername(token.username)
                  .map(
                      account ->
                          new Principal(
                              account.username,
                              account.admin,
                              java.util.Arrays.stream(token.scopes)
                                  .map(name -> Scope.of(name).orElseThrow())
                                  .collect(java.util.stream.Collectors.toUnmodifiableSet()),
                              token.namespaces == null
                                  ? null
                                  : java.util.Set.of(token.namespaces)));
            });
  }
}
