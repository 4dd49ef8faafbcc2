import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { byField, EMPTY_FORM, fieldOf, fromSpec, toSpec, validateSpec } from "./specForm";

const digits = JSON.parse(readFileSync(new URL("../../../fixtures/digits-mlp/spec.json", import.meta.url), "utf8"));

describe("the spec form", () => {
  it("round-trips the digits fixture's spec unchanged", () => {
    expect(toSpec(fromSpec(digits))).toEqual(digits);
    expect(validateSpec(digits)).toEqual([]);
  });

  it("reports every missing required member of an empty form at its field", () => {
    const violations = validateSpec(toSpec(EMPTY_FORM));
    const fields = byField(violations);
    expect(fields.title).toEqual(["is required"]);
    expect(fields.description).toEqual(["is required"]);
    expect(fields.dimension).toEqual(["is required"]);
    expect(fields.outputDimension).toEqual(["is required"]);
    expect(fields.form).toBeUndefined();
  });

  it("words pattern violations with the schema's own messages", () => {
    const spec = toSpec({ ...fromSpec(digits), license: "MIT OR Apache-2.0", tags: "Digits" });
    const fields = byField(validateSpec(spec));
    expect(fields.license).toEqual([
      "must be an SPDX license identifier such as 'MIT' or 'Apache-2.0', or 'LicenseRef-<name>' for other terms",
    ]);
    expect(fields.tags?.[0]).toMatch(/^must be a lowercase tag/);
  });

  it("checks the rules the schema cannot express: labels, features and the RKME's dimension", () => {
    const form = fromSpec({
      ...digits,
      statistical: {
        type: "rkme-table",
        kernel: "gaussian",
        gamma: 0.1,
        dimension: 8,
        numPoints: 3,
        z: [[0, 0, 0, 0, 0, 0, 0, 0]],
        beta: [1],
      },
    });
    const violations = validateSpec(toSpec({ ...form, outputDimension: "9", dimension: "63" }));
    expect(violations).toEqual(
      expect.arrayContaining([
        { pointer: "/output/labels", message: "has 10 labels but the output dimension is 9" },
        { pointer: "/input/features", message: "has 64 features but the input dimension is 63" },
        { pointer: "/statistical/dimension", message: "is 8 but the input dimension is 63" },
      ]),
    );
  });

  it("builds image inputs from the shape fields and keeps non-numbers for the schema to reject", () => {
    const spec = toSpec({
      ...EMPTY_FORM,
      dataType: "image",
      channels: "1",
      height: "28",
      width: "x",
      rangeLow: "0",
      rangeHigh: "255",
    });
    expect(spec.input).toEqual({ channels: 1, height: 28, width: "x", range: [0, 255] });
    expect(byField(validateSpec(spec)).width).toEqual(["must be integer"]);
  });

  it("puts the server's problem details next to the right fields", () => {
    expect(fieldOf("/spec/input/dimension")).toBe("dimension");
    expect(fieldOf("/spec/output/labels/3")).toBe("labels");
    expect(fieldOf("/spec/model/featureExtractor/file")).toBe("extractorFile");
    expect(fieldOf("/model")).toBe("model");
    expect(fieldOf("/file/0")).toBe("files");
    expect(fieldOf("/spec/statistical/beta")).toBe("kept");
    expect(byField([{ pointer: "/spec", message: "is not JSON" }])).toEqual({ form: ["/spec: is not JSON"] });
  });
});
