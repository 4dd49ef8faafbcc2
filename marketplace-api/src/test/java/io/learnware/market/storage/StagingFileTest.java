package io.learnware.market.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging files: what arrives in chunks of any size is what the file holds, and its hash. */
class StagingFileTest {

  @TempDir Path dir;

  @Test
  void chunksOfAnySizeLandInOrderAndThePaddingIsCut() throws Exception {
    byte[] data = new byte[5 * StagingFile.BLOCK + 12_345];
    new SplittableRandom(3).nextBytes(data);
    Semaphore resumed = new Semaphore(0);
    Path path = dir.resolve("upload.part");
    StagingFile file = StagingFile.create(path, resumed::release);
    // This machine's /tmp (ext4) takes O_DIRECT.
    assertThat(file.direct()).isTrue();
    SplittableRandom sizes = new SplittableRandom(5);
    for (int at = 0; at < data.length; ) {
      int n = Math.min(data.length - at, 1 + sizes.nextInt(3 * StagingFile.BLOCK / 2));
      if (!file.write(ByteBuffer.wrap(data, at, n))) {
        assertThat(resumed.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      }
      at += n;
    }
    assertThat(file.finish().get(30, TimeUnit.SECONDS)).isEqualTo(data.length);
    assertThat(Files.readAllBytes(path)).isEqualTo(data);
    assertThat(file.sha256()).isEqualTo(Sha256.of(data));
  }

  @Test
  void aBlockIsOneBlockLongEvenWhenItsMemoryStartsAligned() {
    int alignment = 4096;
    // Memory that starts exactly on an alignment boundary, as malloc hands out now and then.
    ByteBuffer wide = ByteBuffer.allocateDirect(StagingFile.BLOCK + 2 * alignment);
    int skip = (alignment - wide.alignmentOffset(0, alignment)) % alignment;
    ByteBuffer raw = wide.slice(skip, StagingFile.BLOCK + alignment);
    assertThat(raw.alignmentOffset(0, alignment)).isZero();
    // alignedSlice alone keeps every byte: the block would overlap the next one in the file,
    // which corrupted an upload of several blocks once under load ("not a zip file").
    assertThat(raw.alignedSlice(alignment).capacity()).isEqualTo(StagingFile.BLOCK + alignment);

    ByteBuffer block = StagingFile.block(raw, alignment);
    assertThat(block.capacity()).isEqualTo(StagingFile.BLOCK);
    assertThat(block.alignmentOffset(0, alignment)).isZero();
    ByteBuffer unaligned = wide.slice(skip + 16, StagingFile.BLOCK + alignment);
    assertThat(StagingFile.block(unaligned, alignment).capacity()).isEqualTo(StagingFile.BLOCK);
  }

  @Test
  void smallAndEmptyFiles() throws Exception {
    Path empty = dir.resolve("empty.part");
    StagingFile none = StagingFile.create(empty, () -> {});
    assertThat(none.finish().get()).isZero();
    assertThat(Files.size(empty)).isZero();
    // SHA-256 of no bytes.
    assertThat(none.sha256())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Path small = dir.resolve("small.part");
    StagingFile file = StagingFile.create(small, () -> {});
    assertThat(file.write(ByteBuffer.wrap(new byte[] {1, 2, 3}))).isTrue();
    assertThat(file.finish().get()).isEqualTo(3);
    assertThat(Files.readAllBytes(small)).containsExactly(1, 2, 3);
    assertThat(file.sha256()).isEqualTo(Sha256.of(new byte[] {1, 2, 3}));
  }

  @Test
  void withoutDirectWritesThePageCacheHoldsTheSameBytes() throws Exception {
    // The path taken where the file system refuses O_DIRECT (this machine's ext4 and tmpfs take
    // it).
    Path path = dir.resolve("cached.part");
    StagingFile file = StagingFile.create(path, () -> {}, false, null);
    assertThat(file.direct()).isFalse();
    byte[] data = new byte[StagingFile.BLOCK + 7];
    new SplittableRandom(9).nextBytes(data);
    file.write(ByteBuffer.wrap(data));
    assertThat(file.finish().get(30, TimeUnit.SECONDS)).isEqualTo(data.length);
    assertThat(Files.readAllBytes(path)).isEqualTo(data);
  }

  @Test
  void anAbortedFileIsRemoved() throws Exception {
    Path path = dir.resolve("aborted.part");
    StagingFile file = StagingFile.create(path, () -> {});
    file.write(ByteBuffer.wrap(new byte[2 * StagingFile.BLOCK]));
    file.abort();
    for (int i = 0; i < 100 && Files.exists(path); i++) {
      Thread.sleep(50);
    }
    assertThat(path).doesNotExist();
  }
}
