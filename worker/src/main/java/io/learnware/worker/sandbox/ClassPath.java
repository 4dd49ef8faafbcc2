package io.learnware.worker.sandbox;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The files this JVM loads classes from, so that the job process can be given the same ones
 * (read-only). A jar's manifest {@code Class-Path} is followed, since test runners start JVMs with
 * a single jar that names the rest.
 */
final class ClassPath {

  private ClassPath() {}

  static Set<Path> entries() throws IOException {
    Set<Path> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        add(Path.of(entry).toAbsolutePath().normalize(), entries);
      }
    }
    return entries;
  }

  private static void add(Path entry, Set<Path> entries) throws IOException {
    if (!Files.exists(entry) || !entries.add(entry) || !Files.isRegularFile(entry)) {
      return;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      Manifest manifest = jar.getManifest();
      String classPath =
          manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
      if (classPath == null) {
        return;
      }
      URI base = entry.toUri();
      for (String reference : classPath.trim().split("\\s+")) {
        URI resolved = base.resolve(reference);
        if ("file".equals(resolved.getScheme())) {
          add(Path.of(resolved).toAbsolutePath().normalize(), entries);
        }
      }
    }
  }
}
