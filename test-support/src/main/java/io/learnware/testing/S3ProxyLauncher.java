package io.learnware.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * Starts S3Proxy; loaded by {@link S3Server} in a class loader of its own, so only JDK types cross:
 * Guice must see the same {@code jakarta.inject} classes as jclouds, which a test framework's class
 * loaders may split.
 */
public final class S3ProxyLauncher {

  private S3ProxyLauncher() {}

  /**
   * @return {@code port} (Integer), {@code createBucket} (Consumer of a name) and {@code close}
   *     (AutoCloseable)
   */
  public static Map<String, Object> start(Path directory, String accessKey, String secretKey)
      throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(properties)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
    try {
      proxy.start();
      while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
        if (AbstractLifeCycle.FAILED.equals(proxy.getState())) {
          throw new IllegalStateException("S3Proxy failed to start");
        }
        Thread.sleep(5);
      }
    } catch (Exception e) {
      context.close();
      throw e;
    }
    Consumer<String> createBucket =
        bucket -> context.getBlobStore().createContainerInLocation(null, bucket);
    AutoCloseable close =
        () -> {
          try {
            proxy.stop();
          } finally {
            context.close();
          }
        };
    return Map.of("port", proxy.getPort(), "createBucket", createBucket, "close", close);
  }
}
