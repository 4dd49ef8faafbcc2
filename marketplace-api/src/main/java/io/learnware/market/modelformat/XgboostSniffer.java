package io.learnware.market.modelformat;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * XGBoost's own model files ({@code Booster.toByteArray("ubj")} or {@code "json"}) are one object
 * whose first member is {@code learner}: UBJSON and JSON alike start with {@code {} and name it in
 * their first bytes.
 */
@ApplicationScoped
public class XgboostSniffer implements ModelFormatSniffer {

  private static final int HEAD = 64;
  private static final String LEARNER = "learner";

  @Override
  public String format() {
    return "xgboost";
  }

  @Override
  public Optional<String> mismatch(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(HEAD);
    }
    String text = new String(head, StandardCharsets.ISO_8859_1);
    return text.stripLeading().startsWith("{") && text.contains(LEARNER)
        ? Optional.empty()
        : Optional.of(
            "the file is not an XGBoost model (a UBJSON or JSON object with a 'learner')");
  }
}
