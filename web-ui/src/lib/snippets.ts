// Copy-paste code that reuses a version: curl, the learnware CLI, and Java with DJL.
import type { VersionView } from "./api";

const MODEL_FILE: Record<string, string> = { torchscript: "model.pt", onnx: "model.onnx", djl: "model.params" };
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
  const labels = version.spec.output?.labels;
  const java =
    format === "djl"
      ? [
          "// A DJL parameter file: rebuild the architecture in the spec (model.architecture), then load it.",
          `// ${JSON.stringify(version.spec.model.architecture ?? {})}`,
          `Path dir = Paths.get("${version.name}"); // from: bin/learnware pull ${ref}`,
          "Block block = /* the Block of that architecture, e.g. an Mlp */;",
          "try (Model model = Model.newInstance(\"student\", \"PyTorch\")) {",
          "  model.setBlock(block);",
          `  model.load(dir, "model");`,
          "}",
        ].join("\n")
      : [
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
          `  NDArray x = manager.zeros(new Shape(${inputShape(version)})); // your input here`,
          "  NDArray scores = predictor.predict(new NDList(x)).singletonOrThrow();",
          labels ? `  String[] labels = {${labels.map((label) => JSON.stringify(label)).join(", ")}};` : null,
          labels ? "  System.out.println(labels[(int) scores.argMax(1).getLong(0)]);" : "  System.out.println(scores);",
          "}",
        ]
          .filter((line) => line !== null)
          .join("\n");
  return [
    { id: "curl", label: "curl", language: "shell", code: curl },
    { id: "cli", label: "CLI", language: "shell", code: cli },
    { id: "java", label: "Java / DJL", language: "java", code: java },
  ];
}
