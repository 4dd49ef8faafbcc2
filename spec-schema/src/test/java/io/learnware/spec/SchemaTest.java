package io.learnware.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion.VersionFlag;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The schema file itself, as other tools (web UI forms, editors) will read it. */
class SchemaTest {

  private static JsonNode schema() throws IOException {
    try (InputStream in =
        SchemaTest.class.getResourceAsStream("/schemas/learnware-spec-v1.schema.json")) {
      return SpecDocuments.mapper().readTree(in);
    }
  }

  @Test
  void isAValidDraft202012Schema() throws IOException {
    JsonNode schema = schema();
    var metaSchema =
        JsonSchemaFactory.getInstance(VersionFlag.V202012)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    assertThat(metaSchema.validate(schema)).isEmpty();
    assertThat(schema.get("$id").asText())
        .isEqualTo("https://learnware.io/schemas/learnware-spec-v1.schema.json");
  }

  @Test
  void describesTheLimitsTheValidatorEnforces() throws IOException {
    String rkme = schema().at("/$defs/rkmeTable/properties/z/description").asText();

    assertThat(rkme)
        .contains("K ≤ " + SpecLimits.MAX_RKME_POINTS)
        .contains("K·d ≤ " + String.format(Locale.ROOT, "%,d", SpecLimits.MAX_RKME_VALUES));
  }
}
