// Copy-paste code that reuses a version: curl, the learnware CLI, and Java with DJL.
import type { VersionView } from "./api";

const MODEL_FILE: Record<string, string> = {
  torchscript: "model.pt",
  onnx: "model.onnx",
  djl: "model.params",
  ensemble: "ensemble.json",
};
const ENGINE: Record<string, string> = { torchscript: "PyTorch", onnx: "OnnxRuntime", djl: "PyTorch" };

export interface Snippet {
  id: string;
  label: string;
  language: string;
  code: string;
}

/** Example input: a batch of one row (tables) or one image, of the declared shape. */
function inputShape(version: VersionView): string {
  const input = version.spec.input ?? {};
  if (version.spec.dataType === "image") return `1, ${input.channels ?? 1}, ${input.height ?? 1}, ${input.width ?? 1}`;
  return `1, ${input.dimension ?? 1}`;
}

/** Numbers per row: a table's features, an image's channels × height × width. */
function inputSize(version: VersionView): number {
  const input = version.spec.input ?? {};
  if (version.spec.dataType === "image") return (input.channels ?? 1) * (input.height ?? 1) * (input.width ?? 1);
  return input.dimension ?? 1;
}

function predictLines(version: VersionView): string[] {
  const labels = version.spec.output?.labels;
  return [
    `  NDArray x = manager.zeros(new Shape(${inputShape(version)})); // your input here`,
    "  NDArray scores = predictor.predict(new NDList(x)).singletonOrThrow();",
    ...(labels
      ? [
          `  String[] labels = {${labels.map((label) => JSON.stringify(label)).join(", ")}};`,
          "  System.out.println(labels[(int) scores.argMax(1).getLong(0)]);",
        ]
      : ["  System.out.println(scores);"]),
  ];
}

/** TorchScript and ONNX files load by themselves through a DJL engine. */
function engineJava(version: VersionView, ref: string, format: string, modelFile: string): string {
  return [
    "import ai.djl.inference.Predictor;",
    "import ai.djl.ndarray.*;",
    "import ai.djl.ndarray.types.Shape;",
    "import ai.djl.repository.zoo.*;",
    "import java.nio.file.*;",
    "",
    `// ${version.spec.name}: ${version.spec.dataType} → ${version.spec.output?.dimension} outputs`,
    `Path model = Paths.get("${version.name}/${modelFile}"); // from: bin/learnware pull ${ref}`,
    "Criteria<NDList, NDList> criteria = Criteria.builder()",
    "    .setTypes(NDList.class, NDList.class)",
    "    .optModelPath(model)",
    `    .optEngine("${ENGINE[format] ?? "PyTorch"}")`,
    "    .build();",
    "try (ZooModel<NDList, NDList> zoo = criteria.loadModel();",
    "     Predictor<NDList, NDList> predictor = zoo.newPredictor();",
    "     NDManager manager = NDManager.newBaseManager()) {",
    ...predictLines(version),
    "}",
  ].join("\n");
}

/**
 * A DJL parameter file holds weights only: the block is rebuilt from model.architecture first. The
 * market's MLP students are Linear layers with ReLU, then a Linear layer per class.
 */
function djlJava(version: VersionView, ref: string): string {
  const architecture = (version.spec.model.architecture ?? {}) as { type?: string; hidden?: number[] };
  if (architecture.type !== "mlp") {
    return [
      `// A DJL parameter file of a ${architecture.type ?? "custom"} block: ${JSON.stringify(architecture)}.`,
      "// Rebuild that block as the market's worker does (worker/…/distill/DjlStudent.block), then:",
      `//   model.setBlock(block); then load ${version.name}/model.params, copied as model-0000.params, with model.load(dir, "model").`,
      `// (files from: bin/learnware pull ${ref})`,
    ].join("\n");
  }
  return [
    "import ai.djl.Model;",
    "import ai.djl.inference.Predictor;",
    "import ai.djl.ndarray.*;",
    "import ai.djl.ndarray.types.Shape;",
    "import ai.djl.nn.*;",
    "import ai.djl.nn.core.Linear;",
    "import ai.djl.translate.NoopTranslator;",
    "import java.nio.file.*;",
    "",
    `// ${version.spec.name}: model.architecture ${JSON.stringify(architecture)}`,
    "SequentialBlock block = new SequentialBlock();",
    `for (int units : new int[] {${(architecture.hidden ?? []).join(", ")}}) {`,
    "  block.add(Linear.builder().setUnits(units).build()).add(Activation.reluBlock());",
    "}",
    `block.add(Linear.builder().setUnits(${version.spec.output?.dimension}).build());`,
    `try (Model model = Model.newInstance("model", "PyTorch")) {`,
    "  model.setBlock(block);",
    "  // DJL reads parameters named <name>-<epoch>.params; the pulled file is model.params.",
    `  Path dir = Files.createTempDirectory("${version.name}");`,
    `  Files.copy(Paths.get("${version.name}/model.params"), dir.resolve("model-0000.params")); // from: bin/learnware pull ${ref}`,
    `  model.load(dir, "model");`,
    "  try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());",
    "       NDManager manager = NDManager.newBaseManager()) {",
    ...predictLines(version).map((line) => `  ${line}`),
    "  }",
    "}",
  ].join("\n");
}

/**
 * A published ensemble is no single model: the djl module's LearnwareModel loads each pinned member
 * by its learnware:// URL, checks its SHA-256 against the pin, and combines them.
 */
function ensembleJava(version: VersionView, ref: string, origin: string): string {
  const url = origin.replace(/^https:/, "learnwares:").replace(/^http:/, "learnware:");
  const members = version.ensemble?.members.map((m) => m.learnware).join(", ") ?? "its members";
  return [
    "import io.learnware.djl.LearnwareModel;",
    "import io.learnware.spec.rkme.Matrix;",
    "",
    `// ${version.spec.name}: the ${version.ensemble?.method ?? "combination"} of ${members}`,
    `try (LearnwareModel ensemble = LearnwareModel.load("${url}/${ref}")) {`,
    `  double[][] rows = new double[1][${inputSize(version)}]; // your input here, one row per sample`,
    "  double[][] probabilities = ensemble.probabilities(Matrix.of(rows));",
    "  int[] predicted = ensemble.predict(Matrix.of(rows));",
    "}",
  ].join("\n");
}

export function snippets(version: VersionView, origin: string): Snippet[] {
  const ref = `${version.owner}/${version.name}@${version.version}`;
  const base = `${origin}/api/v1/learnwares/${version.owner}/${version.name}/versions/${version.version}`;
  const format = version.spec.model?.format ?? "torchscript";
  const modelFile = MODEL_FILE[format] ?? "model.bin";
  const curl = [
    `# The model; its ETag is the SHA-256 of the bytes (${version.model.sha256.slice(0, 12)}…)`,
    `curl -fo ${modelFile} ${base}/artifact`,
    `curl -fo spec.json ${base}/spec`,
    ...version.files.map((file) => `curl -fo ${file.filename} ${base}/files/${file.filename}`),
  ].join("\n");
  const cli = [
    `# Downloads spec.json, ${modelFile}${version.files.length ? " and its files" : ""}, checking every SHA-256`,
    `bin/learnware pull ${ref} --server ${origin} --out ${version.name}`,
  ].join("\n");
  const java =
    format === "djl"
      ? djlJava(version, ref)
      : format === "ensemble"
        ? ensembleJava(version, ref, origin)
        : engineJava(version, ref, format, modelFile);
  return [
    { id: "curl", label: "curl", language: "shell", code: curl },
    { id: "cli", label: "CLI", language: "shell", code: cli },
    { id: "java", label: "Java / DJL", language: "java", code: java },
  ];
}
