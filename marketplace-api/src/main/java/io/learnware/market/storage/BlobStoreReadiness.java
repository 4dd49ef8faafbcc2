package io.learnware.market.storage;

import io.learnware.market.MarketConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready} is down while the blob store cannot be reached (an S3 bucket that does
 * not exist, wrong credentials, the service down): a load balancer then sends no uploads there.
 */
@Readiness
@ApplicationScoped
public class BlobStoreReadiness implements HealthCheck {

  private final BlobStore store;
  private final String type;

  public BlobStoreReadiness(BlobStore store, MarketConfig config) {
    this.store = store;
    this.type = config.storage().type();
  }

  @Override
  public HealthCheckResponse call() {
    Optional<String> problem = store.unreachable();
    return HealthCheckResponse.named("blob store")
        .status(problem.isEmpty())
        .withData("type", type)
        .withData("problem", problem.orElse("none"))
        .build();
  }
}
