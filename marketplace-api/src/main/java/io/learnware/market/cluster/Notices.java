package io.learnware.market.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Tells the other API instances on this database what changed, with PostgreSQL {@code NOTIFY} in
 * the changing transaction: the notice is delivered when it commits and never when it rolls back.
 * Notices carry ids only; receivers re-read what they keep ({@link NoticeListener}).
 */
@ApplicationScoped
public class Notices {

  /** A batch of notices other instances sent on one topic, in commit order (duplicates kept). */
  public record Received(Topic topic, List<String> keys) {}

  /**
   * The listening connection was (re)established: notices sent while there was none are lost, so
   * whoever keeps state from them compares it with the database again.
   */
  public record Resync() {}

  /** Names this process in its notices, so that it skips its own: it applies them at commit. */
  private final String instance = UUID.randomUUID().toString();

  private final EntityManager em;

  public Notices(EntityManager em) {
    this.em = em;
  }

  /** Sends {@code key} on {@code topic} when the current transaction commits. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void publish(Topic topic, String key) {
    // Through the session's connection, without the flush a native query would cause.
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement notify =
                  connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, topic.channel());
                notify.setString(2, instance + " " + key);
                notify.execute();
              }
            });
  }

  /** The key of a notice another instance sent; null for this instance's own. */
  String keyOf(String payload) {
    int space = payload.indexOf(' ');
    if (space < 0 || payload.substring(0, space).equals(instance)) {
      return null;
    }
    return payload.substring(space + 1);
  }
}
