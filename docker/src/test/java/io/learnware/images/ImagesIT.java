package io.learnware.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/**
 * The image tars the profile {@code images} builds: loadable by {@code docker load} (manifest.json
 * naming the image), with the entrypoint, user, environment and ports the manifests and
 * compose.yaml rely on, and the files the programs need at run time in their layers. That they
 * start and work is docker/smoke-test.sh's part.
 */
class ImagesIT {

  private static final Path TARGET = Path.of(System.getProperty("images.target", "target"));
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void apiImage() throws IOException {
    Image image = Image.read(TARGET.resolve("learnware-market-api.tar"));
    assertThat(image.tag()).isEqualTo(System.getProperty("images.api"));
    JsonNode config = image.config().path("config");
    assertThat(strings(config.path("Entrypoint")))
        .containsExactly(
            "/opt/java/bin/java",
            "-XX:MaxRAMPercentage=75",
            "--add-modules",
            "jdk.incubator.vector",
            "-jar",
            "/opt/market/quarkus-run.jar");
    assertThat(config.path("User").asText()).isEqualTo("1000:1000");
    assertThat(strings(config.path("Env")))
        .contains("LEARNWARE_DATA_DIR=/data", "QUARKUS_HTTP_HOST=0.0.0.0");
    assertThat(fieldNames(config.path("ExposedPorts"))).containsExactly("8080/tcp", "9000/tcp");
    assertThat(fieldNames(config.path("Volumes"))).containsExactly("/data");

    Map<String, TarArchiveEntry> files = image.files();
    assertThat(files.keySet())
        .contains(
            "opt/market/quarkus-run.jar",
            "opt/market/quarkus/generated-bytecode.jar",
            "opt/java/bin/java",
            "usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "usr/bin/dash",
            "usr/bin/sh",
            "usr/bin/busybox",
            "usr/lib64/ld-linux-x86-64.so.2");
    // The data directory belongs to the API's user, so that a fresh volume is writable.
    assertThat(files.get("data").getLongUserId()).isEqualTo(1000);
    assertCommon(files);
  }

  @Test
  void workerImage() throws IOException {
    Image image = Image.read(TARGET.resolve("learnware-market-worker.tar"));
    assertThat(image.tag()).isEqualTo(System.getProperty("images.worker"));
    JsonNode config = image.config().path("config");
    assertThat(strings(config.path("Entrypoint")))
        .containsExactly(
            "/opt/java/bin/java",
            "-XX:MaxRAMPercentage=25",
            "-Dai.djl.offline=true",
            "-cp",
            "/opt/worker/worker.jar:/opt/worker/lib/*",
            "io.learnware.worker.runtime.WorkerMain");
    assertThat(config.path("User").asText()).isEqualTo("0:0");
    assertThat(strings(config.path("Env"))).contains("XDG_CACHE_HOME=/cache");

    Map<String, TarArchiveEntry> files = image.files();
    assertThat(files.keySet())
        .contains(
            "opt/worker/worker.jar",
            "opt/worker/lib/pytorch-native-cpu-2.7.1-linux-x86_64.jar",
            "opt/java/bin/java",
            "usr/bin/bwrap",
            "usr/bin/setpriv",
            "usr/bin/prlimit",
            "usr/bin/true",
            "usr/lib/x86_64-linux-gnu/libgomp.so.1",
            "usr/lib/x86_64-linux-gnu/libstdc++.so.6");
    // Only what the sandbox runs: no shell, and nothing else of util-linux.
    assertThat(files.keySet()).doesNotContain("usr/bin/sh", "usr/bin/su", "usr/bin/mount");
    assertCommon(files);
  }

  private static void assertCommon(Map<String, TarArchiveEntry> files) {
    assertThat(files.get("opt/java/bin/java").getMode() & 0111).isNotZero();
    // The sandbox binds only /usr and links /bin, /lib, /lib64 into it, as the image does.
    assertThat(files.get("lib64").isSymbolicLink()).isTrue();
    assertThat(files.get("lib64").getLinkName()).isEqualTo("usr/lib64");
    assertThat(files.values())
        .filteredOn(e -> e.isFile() && (e.getMode() & 06000) != 0)
        .as("setuid or setgid files")
        .isEmpty();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names.stream().sorted().toList();
  }

  /** A {@code docker save} tar: its manifest, config and layers (gzipped tars). */
  private record Image(JsonNode manifest, Map<String, byte[]> entries) {

    static Image read(Path tar) throws IOException {
      Map<String, byte[]> entries = new HashMap<>();
      try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
        for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          entries.put(e.getName(), in.readAllBytes());
        }
      }
      return new Image(JSON.readTree(entries.get("manifest.json")), entries);
    }

    String tag() {
      assertThat(manifest).hasSize(1);
      return manifest.get(0).path("RepoTags").get(0).asText();
    }

    JsonNode config() throws IOException {
      return JSON.readTree(entries.get(manifest.get(0).path("Config").asText()));
    }

    /** Every path of the image's file system (layers applied in order), without a leading ./ */
    Map<String, TarArchiveEntry> files() throws IOException {
      Map<String, TarArchiveEntry> files = new TreeMap<>();
      JsonNode layers = manifest.get(0).path("Layers");
      assertThat(layers).hasSizeGreaterThanOrEqualTo(2);
      for (JsonNode layer : layers) {
        try (InputStream gz =
                new GZIPInputStream(new java.io.ByteArrayInputStream(entries.get(layer.asText())));
            TarArchiveInputStream in = new TarArchiveInputStream(gz)) {
          for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
            String name = e.getName().replaceFirst("^\\.?/", "").replaceFirst("/$", "");
            if (!name.isEmpty()) {
              files.put(name, e);
            }
          }
        }
      }
      return files;
    }
  }
}
