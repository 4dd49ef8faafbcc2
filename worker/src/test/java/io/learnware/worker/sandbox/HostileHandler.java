package io.learnware.worker.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A job type for tests only: does what a hostile model would, as its {@code params} say, and
 * reports what it could do. Run in the sandbox, every attempt must fail or be contained.
 */
public final class HostileHandler implements JobHandler {

  @Override
  public String type() {
    return "hostile";
  }

  @Override
  public JobOutcome run(JobContext context) throws Exception {
    JsonNode params = context.params();
    ObjectNode report = SpecDocuments.mapper().createObjectNode();
    report.put("uid", uid());
    report.put("contextDevice", context.device());
    if (params.has("awaitFile")) {
      // Holds the job until the test lets it go, e.g. to see two jobs run at once.
      Path go = Path.of(params.get("awaitFile").asText());
      for (int i = 0; i < 1200 && !Files.exists(go); i++) {
        Thread.sleep(50);
      }
      report.put("released", Files.exists(go));
    }
    for (JsonNode path : params.path("read")) {
      report
          .with("read")
          .put(path.asText(), attempt(() -> Files.readString(Path.of(path.asText()))));
    }
    for (JsonNode path : params.path("write")) {
      report
          .with("write")
          .put(
              path.asText(),
              attempt(() -> Files.writeString(Path.of(path.asText()), "pwned").toString()));
    }
    if (params.has("connect")) {
      report.put(
          "connect",
          attempt(
              () -> {
                try (Socket socket = new Socket()) {
                  socket.connect(
                      new InetSocketAddress("127.0.0.1", params.get("connect").asInt()), 2000);
                  return "connected";
                }
              }));
    }
    if (params.path("spin").asBoolean()) {
      long x = 0;
      while (x >= 0) {
        x = x * 31 + 1 & Long.MAX_VALUE;
      }
    }
    if (params.has("heap")) {
      List<long[]> hog = new ArrayList<>();
      for (int i = 0; i < params.get("heap").asInt(); i++) {
        hog.add(new long[1 << 24]);
      }
      report.put("heap", hog.size());
    }
    if (params.has("direct")) {
      List<ByteBuffer> hog = new ArrayList<>();
      for (int i = 0; i < params.get("direct").asInt(); i++) {
        hog.add(ByteBuffer.allocateDirect(1 << 27));
      }
      report.put("direct", hog.size());
    }
    if (params.has("threads")) {
      for (int i = 0; i < params.get("threads").asInt(); i++) {
        Thread.ofPlatform().daemon().start(() -> sleep());
      }
      report.put("threads", params.get("threads").asInt());
    }
    if (params.has("fill")) {
      byte[] chunk = new byte[1 << 20];
      try (var out = Files.newOutputStream(context.workDir().resolve("fill"))) {
        for (int i = 0; i < params.get("fill").asInt(); i++) {
          out.write(chunk);
        }
      }
    }
    if (params.has("forge")) {
      // What a model could print itself: a protocol line (without the job's key) naming any
      // path, then an abrupt end.
      var out = new java.io.FileOutputStream(java.io.FileDescriptor.out);
      out.write(
          (SandboxProtocol.PREFIX
                  + "{\"outcome\": {\"report\": {}, \"model\": \""
                  + params.get("forge").asText()
                  + "\"}}\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      Runtime.getRuntime().halt(0);
    }
    if (params.has("result")) {
      // A result that points elsewhere: a link out of the scratch folder, or a path with "..".
      Path result = context.workDir().resolve(params.get("result").asText());
      if (params.has("linkTo")) {
        Files.createSymbolicLink(result, Path.of(params.get("linkTo").asText()));
      }
      return JobOutcome.newVersion(report, report, result, Map.of());
    }
    Path model = context.workDir().resolve("model.bin");
    Files.writeString(model, "a result", StandardCharsets.UTF_8);
    return JobOutcome.newVersion(report, report, model, Map.of());
  }

  private interface Attempt {
    String run() throws Exception;
  }

  private static String attempt(Attempt attempt) {
    try {
      return "ok: " + attempt.run();
    } catch (Exception e) {
      return "failed: " + e;
    }
  }

  private static long uid() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return Long.parseLong(line.split("\\s+")[1]);
      }
    }
    return -1;
  }

  private static void sleep() {
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
