package io.learnware.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {

  @TempDir Path tmp;

  @Test
  void aFilesDigestIsTheDigestOfItsBytes() throws Exception {
    byte[] bytes = new byte[200_000];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Path file = Files.write(tmp.resolve("model.pt"), bytes);

    assertThat(Sha256.of(file)).isEqualTo(Sha256.of(bytes)).matches(Sha256::isValid);
    // The empty input's well-known digest.
    assertThat(Sha256.of(Files.createFile(tmp.resolve("empty"))))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}
