package io.learnware.market.modelformat;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A TorchScript archive is a zip with one top folder holding {@code data.pkl}, {@code
 * constants.pkl} and {@code code/}. The folder is named after the file at save time, so any name is
 * accepted. {@link ZipFile} reads the central directory; {@code ZipInputStream} rejects PyTorch's
 * stored entries with data descriptors.
 */
@ApplicationScoped
public class TorchScriptSniffer implements ModelFormatSniffer {

  @Override
  public String format() {
    return "torchscript";
  }

  @Override
  public Optional<String> mismatch(Path file) throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      boolean data = false;
      boolean constants = false;
      boolean code = false;
      for (ZipEntry entry : Collections.list(zip.entries())) {
        String name = entry.getName();
        int slash = name.indexOf('/');
        String inTop = slash < 0 ? name : name.substring(slash + 1);
        data |= inTop.equals("data.pkl");
        constants |= inTop.equals("constants.pkl");
        code |= inTop.startsWith("code/");
      }
      if (data && constants && code) {
        return Optional.empty();
      }
      return Optional.of(
          "the file is a zip archive but not a TorchScript archive (no data.pkl, constants.pkl and code/)");
    } catch (ZipException e) {
      return Optional.of(
          "the file is not a TorchScript archive (not a zip file; save with torch.jit.save)");
    }
  }
}
