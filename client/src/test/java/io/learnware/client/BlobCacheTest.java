package io.learnware.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobCacheTest {

  @TempDir Path tmp;

  @Test
  void theDirectoryComesFromLearnwareCacheThenXdgThenHome() {
    assertThat(
            BlobCache.defaultDirectory(
                Map.of("LEARNWARE_CACHE", "/srv/lw", "XDG_CACHE_HOME", "/x"), "/home/u"))
        .isEqualTo(Path.of("/srv/lw"));
    assertThat(BlobCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x"), "/home/u"))
        .isEqualTo(Path.of("/x/learnware"));
    assertThat(BlobCache.defaultDirectory(Map.of("LEARNWARE_CACHE", " "), "/home/u"))
        .isEqualTo(Path.of("/home/u/.cache/learnware"));
  }

  @Test
  void entriesAreCopiedOutOnlyWhileTheyStillMatchTheirHash() throws IOException {
    BlobCache cache = new BlobCache(tmp.resolve("cache"));
    byte[] bytes = "model bytes".getBytes();
    String sha = Sha256.of(bytes);
    Path partial = cache.newPartial();
    Files.write(partial, bytes);
    Path blob = cache.add(partial, sha);
    Path target = tmp.resolve("out/model.pt");

    assertThat(blob).isEqualTo(tmp.resolve("cache/blobs/" + sha));
    assertThat(partial).doesNotExist();
    assertThat(cache.find(sha)).contains(blob);
    assertThat(cache.copyVerified(blob, sha, target)).isTrue();
    assertThat(target).hasBinaryContent(bytes);

    Files.writeString(blob, "bit rot");
    Files.writeString(target, "kept");

    assertThat(cache.copyVerified(blob, sha, target)).isFalse();
    assertThat(cache.find(sha)).isEmpty();
    assertThat(target).hasContent("kept");
    try (var left = Files.list(target.getParent())) {
      // No temporary file left beside the target.
      assertThat(left).containsExactly(target);
    }
  }
}
