import { describe, expect, it } from "vitest";
import {
  align,
  corruptionBars,
  epsilonSeries,
  headline,
  historySeries,
  noiseSeries,
  plotsOf,
  reliabilitySeries,
} from "./reports";

// The shape of a robustness report (api-contract "Jobs: parameters and reports").
const robustness = {
  clean: {
    accuracy: 0.996,
    ece: 0.017,
    reliability: [
      { from: 0.9, to: 1, count: 340, confidence: 0.99, accuracy: 0.997 },
      { from: 0.6, to: 0.7, count: 20, confidence: 0.65, accuracy: 0.5 },
    ],
  },
  noise: [
    { sigma: 0.4, accuracy: 0.67 },
    { sigma: 0, accuracy: 0.996 },
    { sigma: 0.1, accuracy: 0.98 },
  ],
  fgsm: [
    { epsilon: 0, accuracy: 0.996 },
    { epsilon: 0.1, accuracy: 0.45 },
  ],
  pgd: [
    { epsilon: 0.1, steps: 10, accuracy: 0.4 },
    { epsilon: 0.05, steps: 10, accuracy: 0.8 },
  ],
  corruptions: [
    { name: "GAUSSIAN_BLUR", severity: 1, accuracy: 0.9 },
    { name: "GAUSSIAN_BLUR", severity: 2, accuracy: 0.8 },
    { name: "CONTRAST", severity: 1, accuracy: 0.95 },
  ],
};

describe("report data shaping", () => {
  it("sorts the noise curve by σ", () => {
    expect(noiseSeries(robustness)).toMatchObject({
      x: [0, 0.1, 0.4],
      lines: [{ label: "Gaussian noise", y: [0.996, 0.98, 0.67] }],
    });
  });

  it("draws the reliability diagram by confidence, beside the diagonal", () => {
    expect(reliabilitySeries(robustness)).toMatchObject({
      x: [0.65, 0.99],
      lines: [
        { label: "accuracy per confidence bin", y: [0.5, 0.997] },
        { label: "perfect calibration", y: [0.65, 0.99] },
      ],
    });
    expect(reliabilitySeries({ clean: { accuracy: 1 } })).toBeNull();
  });

  it("aligns FGSM and PGD on the union of their ε, with gaps where one has no point", () => {
    const series = epsilonSeries(robustness)!;
    expect(series.x).toEqual([0, 0.05, 0.1]);
    expect(series.lines).toEqual([
      { label: "FGSM", y: [0.996, null, 0.45] },
      { label: "PGD (10 steps)", y: [null, 0.8, 0.4] },
    ]);
  });

  it("groups corruptions by severity", () => {
    expect(corruptionBars(robustness)).toEqual({
      title: "Accuracy under corruptions",
      categories: ["gaussian blur", "contrast"],
      groups: [
        { label: "severity 1", values: [0.9, 0.95] },
        { label: "severity 2", values: [0.8, null] },
      ],
    });
  });

  it("plots every numeric member of a training history per epoch", () => {
    const history = [
      { epoch: 2, loss: 0.5, heldOutLoss: 0.6 },
      { epoch: 1, loss: 1.5, heldOutLoss: 1.4 },
    ];
    expect(historySeries({ history })).toMatchObject({
      x: [1, 2],
      lines: [
        { label: "training loss", y: [1.5, 0.5] },
        { label: "held-out loss", y: [1.4, 0.6] },
      ],
    });
  });

  it("leaves out what a report does not have", () => {
    expect(noiseSeries({})).toBeNull();
    expect(epsilonSeries({ fgsm: [] })).toBeNull();
    expect(corruptionBars({ corruptions: "all" })).toBeNull();
    expect(align("x", [{ label: "empty", rows: [], y: "y" }])).toEqual({ x: [], lines: [] });
  });

  it("formats the headline numbers", () => {
    expect(headline(robustness)).toEqual([
      { label: "clean accuracy", value: "99.6 %" },
      { label: "calibration error (ECE)", value: "0.0170" },
    ]);
    expect(headline({ fidelity: 1, parameterRatio: 0.5, latencyMsPerSample: 0.0132 })).toEqual([
      { label: "fidelity to teacher", value: "100.0 %" },
      { label: "parameters vs teacher", value: "0.500×" },
      { label: "latency per sample", value: "0.013 ms" },
    ]);
  });

  it("orders a version's reports newest first", () => {
    const plots = plotsOf([
      { type: "validate", createdAt: "2026-01-01T00:00:00Z", report: { parameters: 10 } },
      { type: "robustness", createdAt: "2026-01-02T00:00:00Z", report: robustness },
    ]);
    expect(plots.map((p) => p.type)).toEqual(["robustness", "validate"]);
    expect(plots[0].series.map((s) => s.title)).toEqual([
      "Accuracy vs noise σ",
      "Accuracy vs ε (L∞)",
      "Calibration (reliability diagram)",
    ]);
    expect(plots[0].bars).toHaveLength(1);
  });
});
