import { describe, expect, it } from "vitest";
import {
  align,
  confusionOf,
  corruptionBars,
  epsilonSeries,
  evaluatedOn,
  evaluationMetrics,
  evaluationsOf,
  headline,
  historySeries,
  noiseSeries,
  notesOf,
  perClassOf,
  plotsOf,
  reliabilityBinsOf,
  reliabilitySeries,
  residualQuantilesOf,
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
      measure: "accuracy",
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

  it("shows a regressor's distillation and transfer by their errors, not accuracies", () => {
    const distilled = {
      task: "regression",
      vsTeacher: { mae: 5.39, rmse: 7.14, r2: 0.9854 },
      vsTarget: { mae: 42.1, rmse: 53.1, r2: 0.5608 },
      teacherVsTarget: { mae: 41.2, rmse: 52.1, r2: 0.577 },
      parameterRatio: 0.252,
      history: [{ epoch: 1, loss: 120.5, heldOutLoss: 130.2 }],
    };
    expect(headline(distilled)).toEqual([
      { label: "R² vs teacher", value: "0.985" },
      { label: "RMSE vs teacher", value: "7.14" },
      { label: "R² vs targets", value: "0.561" },
      { label: "teacher R² vs targets", value: "0.577" },
      { label: "parameters vs teacher", value: "0.252×" },
    ]);
    const transferred = {
      task: "regression",
      mae: 41.6,
      rmse: 51.02,
      r2: 0.5523,
      baselineMae: 44.3,
      baselineRmse: 55.61,
      baselineR2: 0.4671,
      gain: 0.0844,
      history: [{ epoch: 1, loss: 3000, validationMse: 3100 }],
    };
    expect(headline(transferred)).toEqual([
      { label: "MAE", value: "41.6" },
      { label: "RMSE", value: "51.0" },
      { label: "R²", value: "0.552" },
      { label: "baseline RMSE", value: "55.6" },
      { label: "baseline R²", value: "0.467" },
    ]);
    expect(historySeries(transferred)?.lines.map((line) => line.label)).toEqual(["training loss", "validation MSE"]);
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

// A regressor's robustness report (robustness-report-v1 with task regression, docs/robustness.md):
// the diabetes MLP as the worker measured it, rounded.
const regressorRobustness = {
  task: "regression",
  data: { rows: 89 },
  clean: { mae: 41.1848, rmse: 52.1184, r2: 0.577 },
  noise: [
    { sigma: 0.5, draws: 10, mae: 45.41, rmse: 57.5, r2: 0.485 },
    { sigma: 0.1, draws: 10, mae: 41.42, rmse: 52.4, r2: 0.573 },
  ],
  fgsm: [
    { epsilon: 0.1, mae: 52.58, rmse: 61.59, r2: 0.409 },
    { epsilon: 0.2, mae: 63.43, rmse: 71.16, r2: 0.211 },
  ],
  pgd: [
    { epsilon: 0.1, steps: 10, mae: 52.74, rmse: 61.73, r2: 0.407 },
    { epsilon: 0.2, steps: 10, mae: 64.05, rmse: 71.73, r2: 0.199 },
  ],
  blackBox: [
    { attack: "square", epsilon: 0.1, mae: 52.65, rmse: 61.72, r2: 0.407, queries: 300, meanQueries: 300, p: 0.05 },
  ],
  attacks: [
    {
      name: "fgsm",
      ran: true,
      reason: "white-box: input gradients of the squared error through the torchscript model",
    },
    { name: "pgd", ran: true, reason: "white-box: input gradients of the squared error through the torchscript model" },
    { name: "square", ran: true, reason: "asked for (blackBox: true), next to FGSM and PGD" },
  ],
  corruptions: [],
  skipped: [
    { name: "corruptions", reason: "image operations; this learnware's inputs are a table" },
    { name: "calibration", reason: "a regressor predicts values, not class probabilities" },
  ],
};

describe("a regressor's robustness report", () => {
  it("plots the RMSE against σ and against ε, with Square Attack beside FGSM and PGD", () => {
    expect(noiseSeries(regressorRobustness)).toMatchObject({
      title: "RMSE vs noise σ",
      yLabel: "RMSE",
      x: [0.1, 0.5],
      lines: [{ label: "Gaussian noise", y: [52.4, 57.5] }],
    });
    expect(epsilonSeries(regressorRobustness)).toMatchObject({
      title: "RMSE vs ε (L∞)",
      yLabel: "RMSE",
      x: [0.1, 0.2],
      lines: [
        { label: "FGSM", y: [61.59, 71.16] },
        { label: "PGD (10 steps)", y: [61.73, 71.73] },
        { label: "Square Attack (300 queries)", y: [61.72, null] },
      ],
    });
    expect(reliabilitySeries(regressorRobustness)).toBeNull();
  });

  it("gives the clean errors as its headline, no accuracy", () => {
    expect(headline(regressorRobustness)).toEqual([
      { label: "clean MAE", value: "41.2" },
      { label: "clean RMSE", value: "52.1" },
      { label: "clean R²", value: "0.577" },
    ]);
  });

  it("shades an image regressor's corruptions as errors", () => {
    const bars = corruptionBars({
      task: "regression",
      corruptions: [
        { name: "contrast", severity: 1, mae: 0.45, rmse: 1.32, r2: 0.79 },
        { name: "contrast", severity: 5, mae: 1.99, rmse: 2.43, r2: 0.28 },
      ],
    });
    expect(bars).toEqual({
      title: "RMSE under corruptions",
      measure: "error",
      categories: ["contrast"],
      groups: [
        { label: "severity 1", values: [1.32] },
        { label: "severity 5", values: [2.43] },
      ],
    });
  });

  it("says which attacks ran and what was not measured, with the reasons", () => {
    expect(notesOf(regressorRobustness).map((n) => [n.name, n.ran])).toEqual([
      ["FGSM", true],
      ["PGD", true],
      ["Square Attack", true],
      ["Corruptions", false],
      ["Calibration", false],
    ]);
    expect(notesOf(regressorRobustness)[4].reason).toBe("a regressor predicts values, not class probabilities");
    const plots = plotsOf([{ type: "robustness", createdAt: "2026-01-02T00:00:00Z", report: regressorRobustness }]);
    expect(plots[0].series.map((s) => s.title)).toEqual(["RMSE vs noise σ", "RMSE vs ε (L∞)"]);
    expect(plots[0].notes).toHaveLength(5);
  });
});

// The shapes of evaluate reports (spec-schema evaluate-report-v1, docs/evaluate.md).
const classifierEvaluation = {
  task: "classification",
  data: { rows: 4, dataset: "demo/pets" },
  accuracy: 0.75,
  labels: ["cat", "dog", "fox"],
  perClass: [
    { label: "cat", support: 2, predicted: 3, precision: 2 / 3, recall: 1, f1: 0.8 },
    { label: "dog", support: 2, predicted: 1, precision: 1, recall: 0.5, f1: 2 / 3 },
    { label: "fox", support: 0, predicted: 0, precision: null, recall: null, f1: null },
  ],
  macro: { precision: 5 / 6, recall: 0.75, f1: 11 / 15 },
  confusion: [
    [2, 0, 0],
    [1, 1, 0],
    [0, 0, 0],
  ],
  bins: 15,
  ece: 0.1,
  reliability: [
    { from: 0.9333, to: 1, count: 1, confidence: 0.99, accuracy: 1 },
    { from: 0.6, to: 0.6667, count: 3, confidence: 0.65, accuracy: 0.6667 },
  ],
};

const regressorEvaluation = {
  task: "regression",
  data: { rows: 89, benchmark: "diabetes-test" },
  mae: 41.184789,
  rmse: 52.118369,
  r2: 0.577013,
  meanResidual: -2.5,
  residualQuantiles: [
    { q: 0.95, value: 95.703 },
    { q: 0.05, value: -74.558 },
    { q: 0.5, value: -4.827 },
  ],
};

describe("evaluations", () => {
  const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00Z`;

  it("groups a version's evaluate reports by data set, the most recent first", () => {
    const groups = evaluationsOf([
      { type: "validate", createdAt: at(0), report: { parameters: 10 } },
      { type: "evaluate", createdAt: at(1), report: classifierEvaluation },
      {
        type: "evaluate",
        createdAt: at(2),
        report: { ...classifierEvaluation, data: { rows: 360, benchmark: "digits-test" } },
      },
      { type: "evaluate", createdAt: at(3), report: { ...classifierEvaluation, accuracy: 0.5 } },
      { type: "robustness", createdAt: at(4), report: robustness },
    ]);
    expect(groups.map((g) => [g.on, g.latest.createdAt, g.earlier])).toEqual([
      ["demo/pets", at(3), 1],
      ["benchmark digits-test", at(2), 0],
    ]);
    expect(evaluatedOn({})).toBe("an unnamed data set");
  });

  it("keeps evaluations out of the generic report plots", () => {
    expect(
      plotsOf([
        { type: "evaluate", createdAt: at(1), report: classifierEvaluation },
        { type: "robustness", createdAt: at(2), report: robustness },
      ]).map((p) => p.type),
    ).toEqual(["robustness"]);
  });

  it("formats a classifier's figures, with undefined ratios as dashes", () => {
    expect(evaluationMetrics(classifierEvaluation)).toEqual([
      { label: "accuracy", value: "75.0 %" },
      { label: "macro precision", value: "0.833" },
      { label: "macro recall", value: "0.750" },
      { label: "macro F1", value: "0.733" },
      { label: "calibration error (ECE, 15 bins)", value: "0.1000" },
    ]);
    expect(perClassOf(classifierEvaluation)[2]).toEqual({
      label: "fox",
      support: 0,
      predicted: 0,
      precision: "–",
      recall: "–",
      f1: "–",
    });
    expect(perClassOf(classifierEvaluation)[0].precision).toBe("0.667");
  });

  it("shades the confusion matrix by each true class's share", () => {
    const matrix = confusionOf(classifierEvaluation)!;
    expect(matrix.labels).toEqual(["cat", "dog", "fox"]);
    expect(matrix.rows[1]).toEqual({
      label: "dog",
      total: 2,
      cells: [
        { count: 1, share: 0.5 },
        { count: 1, share: 0.5 },
        { count: 0, share: 0 },
      ],
    });
    expect(matrix.rows[2].cells.every((cell) => cell.share === 0)).toBe(true);
    expect(confusionOf({ confusion: [] })).toBeNull();
    // Without labels, the classes are their indices.
    expect(confusionOf({ confusion: [[1]] })!.labels).toEqual(["0"]);
  });

  it("reads reliability bins of evaluate and robustness reports by confidence", () => {
    expect(reliabilityBinsOf(classifierEvaluation).map((b) => b.from)).toEqual([0.6, 0.9333]);
    expect(reliabilityBinsOf(robustness)).toHaveLength(2);
    expect(reliabilityBinsOf({})).toEqual([]);
  });

  it("formats a regressor's figures and sorts its residual quantiles", () => {
    expect(evaluationMetrics(regressorEvaluation)).toEqual([
      { label: "MAE", value: "41.1848" },
      { label: "RMSE", value: "52.1184" },
      { label: "R²", value: "0.5770" },
      { label: "mean residual", value: "-2.5000" },
    ]);
    expect(evaluationMetrics({ ...regressorEvaluation, r2: null })[2]).toEqual({ label: "R²", value: "–" });
    expect(residualQuantilesOf(regressorEvaluation).map((q) => q.q)).toEqual([0.05, 0.5, 0.95]);
    expect(headline(regressorEvaluation).map((h) => h.label)).toEqual(["MAE", "RMSE", "R²"]);
  });
});
