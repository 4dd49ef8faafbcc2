package io.learnware.djl;

import ai.djl.repository.Repository;
import ai.djl.repository.RepositoryFactory;
import java.net.URI;
import java.util.Set;

/**
 * Lets DJL load stored learnwares by URL: {@code Criteria.builder().optModelUrls(
 * "learnware://localhost:8080/demo/digits@latest")}. Found by DJL through {@link
 * java.util.ServiceLoader} (listed in {@code META-INF/services}), so putting this jar on the class
 * path is all a program needs.
 *
 * <p>Settings (system property, else environment variable): {@code learnware.token} / {@code
 * LEARNWARE_TOKEN}, the API token for private learnwares; {@code learnware.cache} / {@code
 * LEARNWARE_CACHE}, the download cache (default {@code $XDG_CACHE_HOME/learnware}, else {@code
 * ~/.cache/learnware}), shared with the command line's {@code pull}.
 */
public final class LearnwareRepositoryFactory implements RepositoryFactory {

  @Override
  public Repository newInstance(String name, URI uri) {
    return new LearnwareRepository(name, uri, LearnwareUrl.parse(uri), Settings.fromEnvironment());
  }

  @Override
  public Set<String> getSupportedScheme() {
    return Set.of(LearnwareUrl.SCHEME, LearnwareUrl.SECURE_SCHEME);
  }
}
