package io.learnware.market.cluster;

/** What API instances tell each other about; each topic is a PostgreSQL notification channel. */
public enum Topic {
  /** A learnware changed; the key is its id. */
  LEARNWARE("learnware_changed"),
  /** A job changed; the key is its id and new state, {@code "<uuid> <STATE>"}. */
  JOB("job_changed");

  private final String channel;

  Topic(String channel) {
    this.channel = channel;
  }

  String channel() {
    return channel;
  }

  static Topic ofChannel(String channel) {
    for (Topic topic : values()) {
      if (topic.channel.equals(channel)) {
        return topic;
      }
    }
    return null;
  }
}
