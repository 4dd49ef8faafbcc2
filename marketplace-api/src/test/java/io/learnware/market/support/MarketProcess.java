package io.learnware.market.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The packaged market (failsafe's {@code market.app.jar}) run as a user would: a process on a data
 * directory, with the embedded PostgreSQL.
 */
public final class MarketProcess {

  private MarketProcess() {}

  /** What a command printed (stdout and stderr together), and its exit status. */
  public record Result(int exitCode, String output) {}

  /**
   * Starts the market and waits until it is ready; its output goes to {@code market.log} in the
   * data directory.
   */
  public static Process start(
      Path dataDir, int port, int managementPort, Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder =
        builder(dataDir)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dataDir.resolve("market.log").toFile()));
    builder.environment().putAll(environment);
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    Process process = builder.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> given().port(managementPort).get("/q/health/ready").statusCode() == 200);
    return process;
  }

  /** Runs the app with these arguments (a subcommand such as {@code backup DIR}) to its end. */
  public static Result run(Path dataDir, String... args) throws Exception {
    ProcessBuilder builder = builder(dataDir, args).redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("command ended").isTrue();
    return new Result(process.exitValue(), output);
  }

  /** Stops the market as Ctrl-C would, and waits for it. */
  public static void interruptAndWait(Process process) throws Exception {
    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("market stopped after SIGINT").isTrue();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static ProcessBuilder builder(Path dataDir, String... args) throws IOException {
    Files.createDirectories(dataDir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(List.of(java, "-Xmx512m", "-jar", System.getProperty("market.app.jar")));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("LEARNWARE_DATA_DIR", dataDir.toString());
    builder.environment().remove("LEARNWARE_DB_URL");
    return builder;
  }
}
