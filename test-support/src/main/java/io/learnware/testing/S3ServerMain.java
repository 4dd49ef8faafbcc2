package io.learnware.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code S3ServerMain DIR BUCKET ENDPOINT_FILE}: runs an {@link S3Server} keeping its buckets under
 * {@code DIR}, with {@code BUCKET} created, writes its URL to {@code ENDPOINT_FILE} and serves
 * until killed. For benchmarks (bench/s3-throughput.sh).
 */
public final class S3ServerMain {

  private S3ServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: S3ServerMain DIR BUCKET ENDPOINT_FILE");
      System.exit(2);
    }
    Path directory = Files.createDirectories(Path.of(args[0]));
    S3Server server = S3Server.start(directory);
    server.createBucket(args[1]);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    Files.writeString(Path.of(args[2]), server.endpoint().toString());
    Thread.currentThread().join();
  }
}
