package io.learnware.market.job;

import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The job types the market knows: every {@link JobType} bean, by name. */
@ApplicationScoped
@Startup
public class JobTypes {

  private final Map<String, JobType> byName = new TreeMap<>();

  /**
   * @throws IllegalStateException when two beans claim one name (at startup)
   */
  public JobTypes(@All List<JobType> types) {
    for (JobType type : types) {
      JobType other = byName.putIfAbsent(type.name(), type);
      if (other != null) {
        throw new IllegalStateException(
            "two job types are named "
                + type.name()
                + ": "
                + other.getClass().getName()
                + " and "
                + type.getClass().getName());
      }
    }
  }

  /** The type named {@code name}, if the market knows it. */
  public Optional<JobType> find(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
  }

  /** The type of a stored job; its name was checked when the job was requested. */
  JobType of(Job job) {
    return find(job.type)
        .orElseThrow(() -> new IllegalStateException("job " + job.id + " has type " + job.type));
  }

  /** Every name, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
