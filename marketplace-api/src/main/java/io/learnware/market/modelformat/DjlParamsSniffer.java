package io.learnware.market.modelformat;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** DJL's own parameter files ({@code Model.save}) start with the magic {@code DJL@}. */
@ApplicationScoped
public class DjlParamsSniffer implements ModelFormatSniffer {

  private static final byte[] MAGIC = "DJL@".getBytes(StandardCharsets.US_ASCII);

  @Override
  public String format() {
    return "djl";
  }

  @Override
  public Optional<String> mismatch(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(MAGIC.length);
      return Arrays.equals(head, MAGIC)
          ? Optional.empty()
          : Optional.of("the file is not a DJL parameter file (it does not start with 'DJL@')");
    }
  }
}
