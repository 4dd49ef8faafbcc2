package io.learnware.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real S3 API server in this JVM: S3Proxy over jclouds' {@code filesystem} backend (each bucket a
 * directory under {@link #directory}), on a free port of 127.0.0.1, with AWS signature v2/v4
 * authentication (presigned URLs included) by {@link #ACCESS_KEY} and {@link #SECRET_KEY}. It runs
 * in a class loader of its own over the JVM's class path ({@link S3ProxyLauncher}).
 */
public final class S3Server implements AutoCloseable {

  public static final String ACCESS_KEY = "market-test-access";
  public static final String SECRET_KEY = "market-test-secret";

  private final Path directory;
  private final int port;
  private final Consumer<String> createBucket;
  private final AutoCloseable stop;
  private final URLClassLoader loader;

  private S3Server(Path directory, Map<String, Object> started, URLClassLoader loader) {
    this.directory = directory;
    this.port = (Integer) started.get("port");
    @SuppressWarnings("unchecked")
    Consumer<String> create = (Consumer<String>) started.get("createBucket");
    this.createBucket = create;
    this.stop = (AutoCloseable) started.get("close");
    this.loader = loader;
  }

  /** Starts a server keeping its buckets under a new temporary directory. */
  public static S3Server start() {
    try {
      return start(Files.createTempDirectory("s3proxy-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a server keeping its buckets under {@code directory}. */
  public static S3Server start(Path directory) {
    URL[] classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            // Quarkus's test framework brings Maven's Guice 5 (javax.inject only), ahead of the
            // Guice 7 jclouds needs.
            .filter(entry -> !Path.of(entry).getFileName().toString().matches("guice-[0-6]\\..*"))
            .map(S3Server::url)
            .toArray(URL[]::new);
    URLClassLoader loader =
        new URLClassLoader("s3proxy", classPath, ClassLoader.getPlatformClassLoader());
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // jclouds finds its providers with ServiceLoader, and Jetty's threads inherit this loader.
    thread.setContextClassLoader(loader);
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> started =
          (Map<String, Object>)
              loader
                  .loadClass(S3ProxyLauncher.class.getName())
                  .getMethod("start", Path.class, String.class, String.class)
                  .invoke(null, directory, ACCESS_KEY, SECRET_KEY);
      return new S3Server(directory, started, loader);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not start S3Proxy", e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static URL url(String entry) {
    try {
      return Path.of(entry).toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(entry, e);
    }
  }

  /** The server's URL, for path-style access. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Creates a bucket (a directory of the backend). */
  public void createBucket(String bucket) {
    createBucket.accept(bucket);
  }

  /** Where the buckets' files are. */
  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    try (loader) {
      stop.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop S3Proxy", e);
    }
  }
}
