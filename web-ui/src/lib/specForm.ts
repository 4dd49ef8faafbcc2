// The upload form's model: form fields <-> specification document, and validation against the
// market's JSON Schema (bundled from spec-schema) with the rules the schema cannot express.
import type { ErrorObject } from "ajv/dist/2020";
// Compiled at build time (scripts/compile-spec-validator.mjs): the page's CSP forbids eval.
import validateSchema from "./specValidator.generated.js";
import type { Violation } from "./api";

export interface SpecForm {
  title: string;
  description: string;
  dataType: "table" | "image" | "text";
  task: string;
  dimension: string;
  channels: string;
  height: string;
  width: string;
  rangeLow: string;
  rangeHigh: string;
  maxLength: string;
  tokenizer: string;
  outputDimension: string;
  labels: string;
  license: string;
  tags: string;
  format: string;
  framework: string;
  extractorFile: string;
  extractorDimension: string;
  /** Members the form does not edit (feature list, RKME, architecture, x-…), kept as given. */
  kept: {
    features?: unknown[];
    statistical?: unknown;
    architecture?: unknown;
    extensions?: Record<string, unknown>;
  };
}

export const EMPTY_FORM: SpecForm = {
  title: "",
  description: "",
  dataType: "table",
  task: "classification",
  dimension: "",
  channels: "1",
  height: "",
  width: "",
  rangeLow: "0",
  rangeHigh: "1",
  maxLength: "",
  tokenizer: "",
  outputDimension: "",
  labels: "",
  license: "MIT",
  tags: "",
  format: "torchscript",
  framework: "",
  extractorFile: "",
  extractorDimension: "",
  kept: {},
};

/** The form field each specification member is edited in, by JSON Pointer (longest prefix wins). */
const FIELDS: [string, keyof SpecForm][] = [
  ["/name", "title"],
  ["/description", "description"],
  ["/dataType", "dataType"],
  ["/task", "task"],
  ["/input/dimension", "dimension"],
  ["/input/features", "dimension"],
  ["/input/channels", "channels"],
  ["/input/height", "height"],
  ["/input/width", "width"],
  ["/input/range", "rangeLow"],
  ["/input/maxLength", "maxLength"],
  ["/input/tokenizer", "tokenizer"],
  ["/input", "dimension"],
  ["/output/dimension", "outputDimension"],
  ["/output/labels", "labels"],
  ["/output", "outputDimension"],
  ["/license", "license"],
  ["/tags", "tags"],
  ["/model/format", "format"],
  ["/model/framework", "framework"],
  ["/model/featureExtractor/file", "extractorFile"],
  ["/model/featureExtractor/dimension", "extractorDimension"],
  ["/model/featureExtractor", "extractorFile"],
  ["/model", "format"],
  ["/statistical", "kept"],
];

/** The field a violation belongs to; server pointers into the form's `spec` part start with /spec. */
export function fieldOf(pointer: string): keyof SpecForm | "model" | "files" | null {
  // The upload's model and file parts; the spec's own model member comes as /spec/model/...
  if (pointer === "/model") return "model";
  if (pointer === "/file" || pointer.startsWith("/file/")) return "files";
  const inSpec = pointer.startsWith("/spec/") ? pointer.slice(5) : pointer === "/spec" ? "" : pointer;
  for (const [prefix, field] of FIELDS) {
    if (inSpec === prefix || inSpec.startsWith(prefix + "/")) return field;
  }
  return null;
}

/** Groups violations by form field; those that fit no field go under "form". */
export function byField(violations: Violation[]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const violation of violations) {
    const key = fieldOf(violation.pointer) ?? "form";
    (grouped[key] ??= []).push(
      violation.pointer && key === "form" ? `${violation.pointer}: ${violation.message}` : violation.message,
    );
  }
  return grouped;
}

function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A number when the text is one, else the text itself, so the schema reports the wrong type. */
function numeric(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** The specification document the form describes. */
export function toSpec(form: SpecForm): Record<string, unknown> {
  let input: Record<string, unknown>;
  if (form.dataType === "image") {
    const range = [numeric(form.rangeLow), numeric(form.rangeHigh)];
    input = compact({
      channels: numeric(form.channels),
      height: numeric(form.height),
      width: numeric(form.width),
      range: range.every((value) => value !== undefined) ? range : undefined,
    });
  } else if (form.dataType === "text") {
    input = compact({
      maxLength: numeric(form.maxLength),
      tokenizer: form.tokenizer.trim() || undefined,
    });
  } else {
    input = compact({ dimension: numeric(form.dimension), features: form.kept.features });
  }
  const labels = splitList(form.labels);
  const extractor =
    form.extractorFile.trim() || form.extractorDimension.trim()
      ? compact({ file: form.extractorFile.trim() || undefined, dimension: numeric(form.extractorDimension) })
      : undefined;
  return compact({
    specVersion: 1,
    name: form.title.trim(),
    description: form.description,
    dataType: form.dataType,
    task: form.task,
    input,
    output: compact({ dimension: numeric(form.outputDimension), labels: labels.length ? labels : undefined }),
    license: form.license.trim(),
    tags: splitList(form.tags).length ? splitList(form.tags) : undefined,
    model: compact({
      format: form.format,
      framework: form.framework.trim() || undefined,
      featureExtractor: extractor,
      architecture: form.kept.architecture,
    }),
    statistical: form.kept.statistical,
    ...(form.kept.extensions ?? {}),
  });
}

const text = (value: unknown): string => (value === undefined || value === null ? "" : String(value));

/** Fills the form from a specification document (a spec file the user dropped). */
export function fromSpec(spec: Record<string, any>): SpecForm {
  const input = spec.input ?? {};
  const output = spec.output ?? {};
  const model = spec.model ?? {};
  const extensions = Object.fromEntries(Object.entries(spec).filter(([key]) => key.startsWith("x-")));
  return {
    title: text(spec.name),
    description: text(spec.description),
    dataType: ["table", "image", "text"].includes(spec.dataType) ? spec.dataType : "table",
    task: text(spec.task) || "classification",
    dimension: text(input.dimension),
    channels: text(input.channels ?? 1),
    height: text(input.height),
    width: text(input.width),
    rangeLow: text(input.range?.[0] ?? 0),
    rangeHigh: text(input.range?.[1] ?? 1),
    maxLength: text(input.maxLength),
    tokenizer: text(input.tokenizer),
    outputDimension: text(output.dimension),
    labels: (output.labels ?? []).join(", "),
    license: text(spec.license),
    tags: (spec.tags ?? []).join(", "),
    format: text(model.format) || "torchscript",
    framework: text(model.framework),
    extractorFile: text(model.featureExtractor?.file),
    extractorDimension: text(model.featureExtractor?.dimension),
    kept: compact({
      features: input.features,
      statistical: spec.statistical,
      architecture: model.architecture,
      extensions: Object.keys(extensions).length ? extensions : undefined,
    }),
  };
}

// The schema words some messages itself (ajv-errors' keyword); they are read below.
const validate = validateSchema;

function message(error: ErrorObject): string {
  const custom = (error.parentSchema as { errorMessage?: Record<string, string> } | undefined)?.errorMessage;
  if (custom?.[error.keyword]) return custom[error.keyword];
  if (error.keyword === "required" || (error.keyword === "minLength" && error.params.limit === 1)) return "is required";
  if (error.keyword === "enum") return `must be one of ${(error.params.allowedValues as unknown[]).join(", ")}`;
  if (error.keyword === "additionalProperties") return "is not a member of the specification";
  return error.message ?? "is invalid";
}

function pointerOf(error: ErrorObject): string {
  if (error.keyword === "required") return `${error.instancePath}/${error.params.missingProperty}`;
  if (error.keyword === "additionalProperties") return `${error.instancePath}/${error.params.additionalProperty}`;
  return error.instancePath;
}

/**
 * Violations of the schema, plus the cross-member rules the market's validator adds: one label per
 * output, one feature per input, and a tabular RKME of the input's dimension.
 */
export function validateSpec(spec: Record<string, any>): Violation[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  if (!validate(spec)) {
    for (const error of validate.errors ?? []) {
      // "if" failures only say which branch applied; the branch's own errors carry the detail.
      if (error.keyword === "if" || error.keyword === "allOf") continue;
      // An empty text is "required"; that it also matches no pattern says nothing more.
      if (error.keyword === "pattern" && error.data === "") continue;
      const violation = { pointer: pointerOf(error), message: message(error) };
      const key = `${violation.pointer} ${violation.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        violations.push(violation);
      }
    }
  }
  const labels = spec.output?.labels;
  if (Array.isArray(labels) && Number.isInteger(spec.output?.dimension) && labels.length !== spec.output.dimension) {
    violations.push({
      pointer: "/output/labels",
      message: `has ${labels.length} labels but the output dimension is ${spec.output.dimension}`,
    });
  }
  const features = spec.input?.features;
  if (Array.isArray(features) && Number.isInteger(spec.input?.dimension) && features.length !== spec.input.dimension) {
    violations.push({
      pointer: "/input/features",
      message: `has ${features.length} features but the input dimension is ${spec.input.dimension}`,
    });
  }
  const rkme = spec.statistical;
  if (
    spec.dataType === "table" &&
    rkme &&
    Number.isInteger(spec.input?.dimension) &&
    rkme.dimension !== spec.input.dimension
  ) {
    violations.push({
      pointer: "/statistical/dimension",
      message: `is ${rkme.dimension} but the input dimension is ${spec.input.dimension}`,
    });
  }
  return violations;
}
