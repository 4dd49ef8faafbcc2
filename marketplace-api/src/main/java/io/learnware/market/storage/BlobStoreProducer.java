package io.learnware.market.storage;

import io.learnware.market.MarketConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Picks the {@link BlobStore} named by {@code learnware.storage.type}. */
@ApplicationScoped
public class BlobStoreProducer {

  @Produces
  @ApplicationScoped
  BlobStore blobStore(MarketConfig config, @Any Instance<BlobStore> stores) {
    String type = config.storage().type();
    Instance<BlobStore> chosen = stores.select(Identifier.Literal.of(type));
    if (!chosen.isResolvable()) {
      throw new IllegalStateException(
          "learnware.storage.type=" + type + " names no blob store (available: filesystem, s3)");
    }
    return chosen.get();
  }
}
