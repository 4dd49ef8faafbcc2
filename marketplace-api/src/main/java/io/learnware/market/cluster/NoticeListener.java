package io.learnware.market.cluster;

import io.learnware.market.MarketConfig;
import io.learnware.market.cluster.Notices.Received;
import io.learnware.market.cluster.Notices.Resync;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Receives the other API instances' notices ({@link Notices}) on a connection of its own, outside
 * the pool (it listens for as long as the instance runs), and fires them as {@link Received} events
 * on its thread. When the connection drops it connects again after {@code
 * learnware.cluster.reconnect-delay} and fires {@link Resync}: what was sent meanwhile is lost.
 */
@ApplicationScoped
public class NoticeListener {

  /** The listening connection's {@code application_name}, as {@code pg_stat_activity} shows it. */
  public static final String APPLICATION_NAME = "learnware-notices";

  private static final Logger LOG = Logger.getLogger(NoticeListener.class);

  private final Notices notices;
  private final Event<Received> received;
  private final Event<Resync> resync;
  private final MarketConfig config;
  private final String url;
  private final Optional<String> username;
  private final Optional<String> password;
  private volatile boolean running = true;
  private volatile Connection current;
  private Thread thread;

  public NoticeListener(
      Notices notices,
      Event<Received> received,
      Event<Resync> resync,
      MarketConfig config,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
      @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
    this.notices = notices;
    this.received = received;
    this.resync = resync;
    this.config = config;
    this.url = url;
    this.username = username;
    this.password = password;
  }

  // After the observers that load state at startup (default priority), so that the first resync
  // compares what they loaded.
  void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent startup) {
    thread = Thread.ofPlatform().daemon().name("cluster-notices").start(this::run);
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    if (thread == null) {
      return;
    }
    thread.interrupt();
    Connection connection = current;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("Closing the notice connection failed", e);
      }
    }
    thread.join(5_000);
  }

  private void run() {
    while (running) {
      try {
        listen();
      } catch (SQLException | RuntimeException e) {
        if (running) {
          LOG.warnf(
              "Lost the connection that receives other API instances' notices (%s); connecting"
                  + " again in %s, then comparing the caches with the database",
              e.getMessage(), config.cluster().reconnectDelay());
        }
      }
      try {
        Thread.sleep(config.cluster().reconnectDelay());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void listen() throws SQLException {
    Properties properties = new Properties();
    username.ifPresent(user -> properties.setProperty("user", user));
    password.ifPresent(secret -> properties.setProperty("password", secret));
    properties.setProperty("ApplicationName", APPLICATION_NAME);
    properties.setProperty("tcpKeepAlive", "true");
    Connection connection = new Driver().connect(url, properties);
    if (connection == null) {
      throw new IllegalStateException("not a PostgreSQL JDBC URL: " + url);
    }
    current = connection;
    try (connection;
        Statement statement = connection.createStatement()) {
      for (Topic topic : Topic.values()) {
        statement.execute("LISTEN " + topic.channel());
      }
      // Listening from here on: whatever commits later arrives; what committed before is read now.
      resync.fire(new Resync());
      PGConnection listening = connection.unwrap(PGConnection.class);
      int probe = (int) config.cluster().probeInterval().toMillis();
      while (running) {
        PGNotification[] batch = listening.getNotifications(probe);
        if (batch == null || batch.length == 0) {
          statement.execute("SELECT 1");
        } else {
          deliver(batch);
        }
      }
    } finally {
      current = null;
    }
  }

  /**
   * Fires one event per topic. An observer that fails (its database read, most likely) fails the
   * connection too, so that the resync after reconnecting repairs what it missed.
   */
  private void deliver(PGNotification[] batch) {
    Map<Topic, List<String>> keys = new EnumMap<>(Topic.class);
    for (PGNotification notification : batch) {
      Topic topic = Topic.ofChannel(notification.getName());
      String key = notices.keyOf(notification.getParameter());
      if (topic != null && key != null) {
        keys.computeIfAbsent(topic, unused -> new ArrayList<>()).add(key);
      }
    }
    keys.forEach((topic, list) -> received.fire(new Received(topic, List.copyOf(list))));
  }
}
