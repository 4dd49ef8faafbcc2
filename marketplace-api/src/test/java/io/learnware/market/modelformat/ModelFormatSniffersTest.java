package io.learnware.market.modelformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Task;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model format sniffers on the committed fixtures and on hand-made bad inputs. */
class ModelFormatSniffersTest {

  private static final String MODEL_PT = "digits-mlp/model.pt";
  private static final String FEATURES_PT = "digits-mlp/features.pt";
  private static final String MODEL_ONNX = "digits-mlp/model.onnx";
  private static final String TEXT_FILE = "not-torchscript.pt";

  @TempDir Path tmp;

  // --- TorchScript ---

  private final TorchScriptSniffer torchScript = new TorchScriptSniffer();

  @Test
  void torchScriptFormatName() {
    assertThat(torchScript.format()).isEqualTo("torchscript");
  }

  @Test
  void torchScriptAcceptsTheFixtureModelAndFeatureExtractor() throws IOException {
    assertThat(torchScript.mismatch(Fixtures.path(MODEL_PT))).isEmpty();
    assertThat(torchScript.mismatch(Fixtures.path(FEATURES_PT))).isEmpty();
  }

  @Test
  void torchScriptRejectsATextFileNamedPt() throws IOException {
    assertThat(torchScript.mismatch(Fixtures.path(TEXT_FILE)))
        .contains(
            "the file is not a TorchScript archive (not a zip file; save with torch.jit.save)");
  }

  @Test
  void torchScriptRejectsAZipThatIsNotTorchScript() throws IOException {
    Path zip = tmp.resolve("plain.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("weights/readme.txt"));
      out.write("just some text".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      // Only one of the three required members.
      out.putNextEntry(new ZipEntry("weights/data.pkl"));
      out.write(new byte[] {(byte) 0x80, 2, '.'});
      out.closeEntry();
    }

    assertThat(torchScript.mismatch(zip))
        .contains(
            "the file is a zip archive but not a TorchScript archive"
                + " (no data.pkl, constants.pkl and code/)");
  }

  @Test
  void torchScriptRejectsAnEmptyFile() throws IOException {
    Path empty = Files.createFile(tmp.resolve("empty.pt"));

    assertThat(torchScript.mismatch(empty)).hasValueSatisfying(m -> assertThat(m).contains("zip"));
  }

  @Test
  void torchScriptAcceptsAnArchiveWhoseTopFolderHasAnotherName() throws IOException {
    Path original = Fixtures.path(MODEL_PT);
    Path renamed = tmp.resolve("renamed.pt");
    Map<String, byte[]> originalEntries = readEntries(original);
    assertThat(originalEntries.keySet()).allMatch(name -> name.startsWith("model/"));

    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(renamed))) {
      for (Map.Entry<String, byte[]> e : originalEntries.entrySet()) {
        out.putNextEntry(new ZipEntry("my_classifier/" + e.getKey().substring("model/".length())));
        out.write(e.getValue());
        out.closeEntry();
      }
    }

    // The rewritten archive really has the new top folder and every entry reads back intact.
    Map<String, byte[]> rewritten = readEntries(renamed);
    assertThat(rewritten).hasSameSizeAs(originalEntries);
    assertThat(rewritten.keySet())
        .allMatch(name -> name.startsWith("my_classifier/"))
        .contains("my_classifier/data.pkl", "my_classifier/constants.pkl");
    originalEntries.forEach(
        (name, bytes) ->
            assertThat(rewritten.get("my_classifier/" + name.substring("model/".length())))
                .as(name)
                .isEqualTo(bytes));

    assertThat(torchScript.mismatch(renamed)).isEmpty();
  }

  private static Map<String, byte[]> readEntries(Path file) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        try (InputStream in = zip.getInputStream(entry)) {
          entries.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    return entries;
  }

  // --- Onnx ---

  private static final String NOT_ONNX =
      "the file is not an ONNX model (no protobuf ModelProto with ir_version and graph)";

  private final OnnxSniffer onnx = new OnnxSniffer();

  @Test
  void onnxFormatName() {
    assertThat(onnx.format()).isEqualTo("onnx");
  }

  @Test
  void onnxAcceptsTheFixtureModel() throws IOException {
    assertThat(onnx.mismatch(Fixtures.path(MODEL_ONNX))).isEmpty();
  }

  @Test
  void onnxRejectsATorchScriptArchive() throws IOException {
    assertThat(onnx.mismatch(Fixtures.path(MODEL_PT))).contains(NOT_ONNX);
  }

  @Test
  void onnxRejectsATextFile() throws IOException {
    assertThat(onnx.mismatch(Fixtures.path(TEXT_FILE))).contains(NOT_ONNX);
  }

  @Test
  void onnxRejectsAnEmptyFile() throws IOException {
    assertThat(onnx.mismatch(Files.createFile(tmp.resolve("empty.onnx")))).contains(NOT_ONNX);
  }

  @Test
  void onnxRejectsRandomBytes() throws IOException {
    Random random = new Random(20240607L);
    List<Integer> accepted = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[1 + random.nextInt(16_384)];
      random.nextBytes(bytes);
      Path file = Files.write(tmp.resolve("random-" + i + ".onnx"), bytes);
      if (onnx.mismatch(file).isEmpty()) {
        accepted.add(i);
      }
    }
    assertThat(accepted).as("random files accepted as ONNX").isEmpty();
  }

  @Test
  void onnxRejectsATruncatedModel() throws IOException {
    byte[] model = Fixtures.bytes(MODEL_ONNX);
    Path half = Files.write(tmp.resolve("half.onnx"), Arrays.copyOf(model, model.length / 2));

    assertThat(onnx.mismatch(half)).contains(NOT_ONNX);
  }

  @Test
  void onnxRejectsAModelMissingItsLastByte() throws IOException {
    byte[] model = Fixtures.bytes(MODEL_ONNX);
    Path cut = Files.write(tmp.resolve("cut.onnx"), Arrays.copyOf(model, model.length - 1));

    assertThat(onnx.mismatch(cut)).contains(NOT_ONNX);
  }

  // --- DjlParams ---

  private final DjlParamsSniffer djl = new DjlParamsSniffer();

  @Test
  void djlFormatName() {
    assertThat(djl.format()).isEqualTo("djl");
  }

  @Test
  void djlAcceptsAFileStartingWithTheMagic() throws IOException {
    Path file = tmp.resolve("model-0000.params");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write("DJL@".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 1, 2, 3, (byte) 0xff});
    }

    assertThat(djl.mismatch(file)).isEmpty();
  }

  @Test
  void djlRejectsOtherFiles() throws IOException {
    String expected = "the file is not a DJL parameter file (it does not start with 'DJL@')";
    Path lowerCase = Files.writeString(tmp.resolve("lower.params"), "djl@rest of file");
    Path tooShort = Files.writeString(tmp.resolve("short.params"), "DJL");
    Path empty = Files.createFile(tmp.resolve("empty.params"));

    assertThat(djl.mismatch(Fixtures.path(MODEL_PT))).contains(expected);
    assertThat(djl.mismatch(Fixtures.path(MODEL_ONNX))).contains(expected);
    assertThat(djl.mismatch(lowerCase)).contains(expected);
    assertThat(djl.mismatch(tooShort)).contains(expected);
    assertThat(djl.mismatch(empty)).contains(expected);
  }

  // --- Ensemble ---

  private final EnsembleSniffer ensemble = new EnsembleSniffer(new SpecValidator(), 4096);

  @Test
  void ensembleAcceptsAValidManifestAndRefusesOtherFiles() throws IOException {
    byte[] manifest =
        new EnsembleManifest(
                EnsembleManifest.Method.MEAN,
                Task.CLASSIFICATION,
                64,
                10,
                List.of(
                    new EnsembleManifest.Member("demo/low", 1, "ab".repeat(32)),
                    new EnsembleManifest.Member("demo/high", 2, "cd".repeat(32))),
                null)
            .toJson()
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    Path good = Files.write(tmp.resolve("ensemble.json"), manifest);
    Path big = Files.write(tmp.resolve("big.json"), new byte[4097]);
    Path oneMember =
        Files.writeString(
            tmp.resolve("one.json"),
            new String(manifest, StandardCharsets.UTF_8)
                .replaceFirst(",\\{\"learnware\":\"demo/high\"[^}]*}", ""));

    assertThat(ensemble.format()).isEqualTo("ensemble");
    assertThat(ensemble.mismatch(good)).isEmpty();
    assertThat(ensemble.mismatch(Fixtures.path(TEXT_FILE)))
        .get()
        .asString()
        .startsWith("the file is not an ensemble.json (not JSON: ");
    assertThat(ensemble.mismatch(big))
        .contains("an ensemble.json is at most 4096 bytes; this one has 4097");
    assertThat(ensemble.mismatch(oneMember))
        .get()
        .asString()
        .startsWith("the ensemble.json is invalid (/members: ");
  }

  // --- Formats ---

  private final ModelFormats formats =
      new ModelFormats(
          List.of(new TorchScriptSniffer(), new OnnxSniffer(), new DjlParamsSniffer()));

  @Test
  void formatsAcceptsModelsOfTheirDeclaredFormat() {
    formats.requireFormat("torchscript", Fixtures.path(MODEL_PT), "/model");
    formats.requireFormat("torchscript", Fixtures.path(FEATURES_PT), "/file");
    formats.requireFormat("onnx", Fixtures.path(MODEL_ONNX), "/model");
  }

  @Test
  void formatsAMismatchIs422WithAViolationAtThePointer() {
    MarketException.ModelFormatMismatch e =
        catchThrowableOfType(
            MarketException.ModelFormatMismatch.class,
            () -> formats.requireFormat("onnx", Fixtures.path(MODEL_PT), "/model"));

    assertThat(e).isNotNull();
    assertThat(e.status()).isEqualTo(422);
    assertThat(e.type()).isEqualTo("model-format-mismatch");
    assertThat(e.getMessage())
        .startsWith("The model does not match the declared format 'onnx': ")
        .contains("not an ONNX model");
    assertThat(e.violations())
        .containsExactly(
            new Problem.Violation(
                "/model",
                "the file is not an ONNX model (no protobuf ModelProto with ir_version and"
                    + " graph)"));
  }

  @Test
  void formatsAMismatchInAnotherPartUsesThatPointer() {
    MarketException.ModelFormatMismatch e =
        catchThrowableOfType(
            MarketException.ModelFormatMismatch.class,
            () -> formats.requireFormat("torchscript", Fixtures.path(TEXT_FILE), "/file"));

    assertThat(e.status()).isEqualTo(422);
    assertThat(e.violations()).extracting(Problem.Violation::pointer).containsExactly("/file");
    assertThat(e.violations().get(0).message()).contains("not a TorchScript archive");
  }

  @Test
  void formatsAnUnknownFormatIsInvalidInput() {
    assertThatThrownBy(() -> formats.requireFormat("pickle", Fixtures.path(MODEL_PT), "/model"))
        .isInstanceOfSatisfying(
            MarketException.InvalidInput.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.violations())
                  .singleElement()
                  .satisfies(
                      v -> {
                        assertThat(v.pointer()).isEqualTo("/model/format");
                        assertThat(v.message())
                            .startsWith("unknown model format 'pickle'")
                            .contains("torchscript", "onnx", "djl");
                      });
            });
  }
}
