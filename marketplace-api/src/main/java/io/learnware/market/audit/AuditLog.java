package io.learnware.market.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Map;

/**
 * Records who did what to which learnware or namespace. Entries are written in the transaction of
 * the change they describe, so that the log holds exactly what happened.
 */
@ApplicationScoped
public class AuditLog {

  /** What is recorded. */
  public enum Action {
    VERSION_UPLOADED("version.uploaded"),
    VERSION_DERIVED("version.derived"),
    VERSION_DELETED("version.deleted"),
    LEARNWARE_DELETED("learnware.deleted"),
    VISIBILITY_CHANGED("visibility.changed"),
    ALIAS_SET("alias.set"),
    ORGANISATION_CREATED("organisation.created"),
    MEMBER_ADDED("member.added"),
    MEMBER_ROLE_CHANGED("member.role-changed"),
    MEMBER_REMOVED("member.removed"),
    TOKEN_CREATED("token.created"),
    TOKEN_REVOKED("token.revoked"),
    DATASET_UPLOADED("dataset.uploaded");

    private final String jsonName;

    Action(String jsonName) {
      this.jsonName = jsonName;
    }

    public String jsonName() {
      return jsonName;
    }
  }

  private final ObjectMapper mapper;

  public AuditLog(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * @param learnware the learnware's name within {@code namespace}, or null for namespace events
   * @param detail a few facts (version, alias, member, role…), shown as they are
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void record(
      String actor, String namespace, String learnware, Action action, Map<String, ?> detail) {
    AuditEvent event = new AuditEvent();
    event.at = Instant.now();
    event.actor = actor;
    event.namespace = namespace;
    event.learnware = learnware;
    event.action = action.jsonName();
    try {
      event.detail = mapper.writeValueAsString(detail);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("audit details must be plain values", e);
    }
    event.persist();
  }
}
