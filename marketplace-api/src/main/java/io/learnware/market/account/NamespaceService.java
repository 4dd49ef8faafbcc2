package io.learnware.market.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.learnware.market.account.AccountDtos.AuditView;
import io.learnware.market.account.AccountDtos.MemberView;
import io.learnware.market.account.AccountDtos.Membership;
import io.learnware.market.account.AccountDtos.NamespaceView;
import io.learnware.market.audit.AuditEvent;
import io.learnware.market.audit.AuditLog;
import io.learnware.market.problem.MarketException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;

/** Organisations, members and roles, and the audit log namespace admins read. */
@ApplicationScoped
public class NamespaceService {

  static final int MAX_AUDIT_PAGE = 200;

  private final Caller caller;
  private final Access access;
  private final AuditLog audit;
  private final ObjectMapper mapper;

  public NamespaceService(Caller caller, Access access, AuditLog audit, ObjectMapper mapper) {
    this.caller = caller;
    this.access = access;
    this.audit = audit;
    this.mapper = mapper;
  }

  /** Creates an organisation with the caller as its first admin. */
  @Transactional
  public NamespaceView createOrganisation(String name) {
    Principal principal = caller.principal();
    Access.requireScope(principal, Scope.ADMIN);
    if (Namespace.findByName(name).isPresent()) {
      throw new MarketException.Conflict(
          "The name '" + name + "' is taken (by a user or an organisation).");
    }
    Namespace namespace = new Namespace();
    namespace.name = name;
    namespace.kind = Namespace.ORGANISATION;
    namespace.persist();
    addMember(name, principal.username(), Role.ADMIN);
    audit.record(principal.username(), name, null, AuditLog.Action.ORGANISATION_CREATED, Map.of());
    return view(namespace, true);
  }

  /** A namespace; its members are listed to those who may read it. */
  @Transactional
  public NamespaceView namespace(String name) {
    Namespace namespace = existing(name);
    Principal principal = caller.principalOrNull();
    boolean member = principal != null && access.canRead(principal, name, true);
    return view(namespace, member);
  }

  /** Adds a member, or changes a member's role (admins of the organisation). */
  @Transactional
  public NamespaceView putMember(String name, String username, String roleName) {
    Namespace namespace = administered(name);
    Role role =
        Role.of(roleName)
            .orElseThrow(
                () -> new MarketException.InvalidInput("/role", "must be one of " + Role.names()));
    if (Account.findByUsername(username).isEmpty()) {
      throw new MarketException.NotFound("No user '" + username + "'.");
    }
    List<NamespaceMember> members = NamespaceMember.lockByNamespace(name);
    NamespaceMember existing =
        members.stream().filter(m -> m.username.equals(username)).findFirst().orElse(null);
    if (existing == null) {
      addMember(name, username, role);
      audit.record(
          caller.username(),
          name,
          null,
          AuditLog.Action.MEMBER_ADDED,
          Map.of("member", username, "role", role.jsonName()));
    } else if (existing.role() != role) {
      requireAnotherAdmin(members, existing);
      String before = existing.role;
      existing.role = role.jsonName();
      audit.record(
          caller.username(),
          name,
          null,
          AuditLog.Action.MEMBER_ROLE_CHANGED,
          Map.of("member", username, "from", before, "to", role.jsonName()));
    }
    NamespaceMember.getEntityManager().flush();
    return view(namespace, true);
  }

  @Transactional
  public void removeMember(String name, String username) {
    administered(name);
    List<NamespaceMember> members = NamespaceMember.lockByNamespace(name);
    NamespaceMember member =
        members.stream()
            .filter(m -> m.username.equals(username))
            .findFirst()
            .orElseThrow(
                () ->
                    new MarketException.NotFound(
                        "'" + username + "' is not a member of '" + name + "'."));
    requireAnotherAdmin(members, member);
    member.delete();
    audit.record(
        caller.username(),
        name,
        null,
        AuditLog.Action.MEMBER_REMOVED,
        Map.of("member", username, "role", member.role));
  }

  /** The namespace's audit log, newest first (its admins). */
  @Transactional
  public List<AuditView> audit(String name, String learnware, Long before, int limit) {
    existing(name);
    caller.require(name, Role.ADMIN, Scope.ADMIN);
    if (limit < 1 || limit > MAX_AUDIT_PAGE) {
      throw new MarketException.InvalidInput("/limit", "must be between 1 and " + MAX_AUDIT_PAGE);
    }
    return AuditEvent.listByNamespace(name, learnware, before, limit).stream()
        .map(
            e -> {
              try {
                return new AuditView(
                    e.id,
                    e.at,
                    e.actor,
                    e.namespace,
                    e.learnware,
                    e.action,
                    mapper.readTree(e.detail));
              } catch (JsonProcessingException ex) {
                throw new IllegalStateException("a stored audit entry is not JSON", ex);
              }
            })
        .toList();
  }

  /** The namespaces {@code username} belongs to, with roles. */
  @Transactional
  public List<Membership> memberships(String username) {
    return NamespaceMember.listByUsername(username).stream()
        .map(
            m ->
                new Membership(
                    m.namespace,
                    Namespace.findByName(m.namespace).map(n -> n.kind).orElse(Namespace.USER),
                    m.role))
        .toList();
  }

  private static void addMember(String namespace, String username, Role role) {
    NamespaceMember member = new NamespaceMember();
    member.namespace = namespace;
    member.username = username;
    member.role = role.jsonName();
    member.persist();
  }

  /** 409 when {@code changed} is the namespace's last admin. */
  private static void requireAnotherAdmin(List<NamespaceMember> members, NamespaceMember changed) {
    if (changed.role() == Role.ADMIN
        && members.stream().filter(m -> m.role() == Role.ADMIN).count() == 1) {
      throw new MarketException.Conflict(
          "'"
              + changed.username
              + "' is the last admin of '"
              + changed.namespace
              + "'; make another member admin first.");
    }
  }

  /** The organisation, if the caller administers it; user namespaces have one member for good. */
  private Namespace administered(String name) {
    Namespace namespace = existing(name);
    caller.require(name, Role.ADMIN, Scope.ADMIN);
    if (!namespace.isOrganisation()) {
      throw new MarketException.Conflict(
          "'"
              + name
              + "' is a user's own namespace: its only member is its user. Create an organisation"
              + " to share learnwares with others.");
    }
    return namespace;
  }

  private static Namespace existing(String name) {
    return Namespace.findByName(name)
        .orElseThrow(() -> new MarketException.NotFound("No namespace '" + name + "'."));
  }

  private static NamespaceView view(Namespace namespace, boolean withMembers) {
    return new NamespaceView(
        namespace.name,
        namespace.kind,
        namespace.createdAt,
        withMembers
            ? NamespaceMember.listByNamespace(namespace.name).stream()
                .map(m -> new MemberView(m.username, m.role))
                .toList()
            : null);
  }
}
