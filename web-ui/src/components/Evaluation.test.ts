import { h } from "preact";
import { describe, expect, it } from "vitest";
import type { ReportView } from "../lib/api";
import { ConfusionMatrix, Evaluations, ReliabilityDiagram, ResidualQuantiles } from "./Evaluation";
import { render } from "./testRender";

/** The cells' text, row by row, of the first table with the class attribute `tableClass`. */
function tableRows(html: string, tableClass: string): string[][] {
  const table = html.match(new RegExp(`<table class="${tableClass}">([\\s\\S]*?)</table>`))?.[1] ?? "";
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1].replace(/<[^>]+>/g, "")),
  );
}

const classifier = {
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
    { from: 0.6, to: 0.6667, count: 3, confidence: 0.65, accuracy: 2 / 3 },
    { from: 0.9333, to: 1, count: 1, confidence: 0.99, accuracy: 1 },
  ],
};

const regressor = {
  task: "regression",
  data: { rows: 89, benchmark: "diabetes-test" },
  mae: 41.184789,
  rmse: 52.118369,
  r2: 0.577013,
  meanResidual: -2.5,
  residualQuantiles: [
    { q: 0.05, value: -74.558 },
    { q: 0.5, value: -4.827 },
    { q: 0.95, value: 95.703 },
  ],
};

const reports: ReportView[] = [
  { type: "validate", createdAt: "2026-01-01T00:00:00Z", report: { parameters: 10 } },
  { type: "evaluate", createdAt: "2026-01-01T00:01:00Z", report: classifier },
  { type: "evaluate", createdAt: "2026-01-01T00:02:00Z", report: regressor },
  { type: "evaluate", createdAt: "2026-01-01T00:03:00Z", report: { ...classifier, accuracy: 0.5 } },
];

describe("the evaluations on a version page", () => {
  const html = render(h(Evaluations, { reports }));

  it("has one section per data set, headed by it, the most recently evaluated first", () => {
    const headings = [...html.matchAll(/<h2 id="[^"]+">([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(["Evaluated on demo/pets", "Evaluated on benchmark diabetes-test"]);
    expect(html).toContain("1 earlier evaluation on this data set");
    // The newest evaluation on demo/pets is shown: 50 %, not the earlier 75 %.
    expect(html).toContain("<dt>accuracy</dt><dd>50.0 %</dd>");
    expect(html).not.toContain("75.0 %");
  });

  it("shows a classifier's per-class table with undefined ratios as dashes", () => {
    expect(tableRows(html, "compact numeric")).toEqual([
      ["class", "rows", "predicted", "precision", "recall", "F1"],
      ["cat", "2", "3", "0.667", "1.000", "0.800"],
      ["dog", "2", "1", "1.000", "0.500", "0.667"],
      ["fox", "0", "0", "–", "–", "–"],
    ]);
  });

  it("draws the confusion matrix as a heat map, diagonal green, confusions red", () => {
    const matrix = render(h(ConfusionMatrix, { report: classifier }));
    expect(tableRows(matrix, "heat confusion")).toEqual([
      ["true · predicted", "cat", "dog", "fox"],
      ["cat", "2", "0", "0"],
      ["dog", "1", "1", "0"],
      ["fox", "0", "0", "0"],
    ]);
    expect(matrix).toContain('class="diagonal" style="background: hsl(140 60% 55%)"');
    expect(matrix).toContain('class="confused" style="background: hsl(0 75% 67%)"');
    expect(matrix).toContain('title="dog predicted as cat: 1 of 2 (50.0 %)"');
    // Empty cells are not shaded.
    expect(matrix).toContain('<td title="cat predicted as dog: 0 of 2 (0.0 %)">0</td>');
    expect(render(h(ConfusionMatrix, { report: { ...classifier, confusion: undefined } }))).toBe("");
    // A table wider than its column scrolls, and keyboards can reach it.
    expect(matrix).toContain('<div class="table-scroll" tabIndex="0" role="region" aria-label="Confusion matrix">');
  });

  it("plots the reliability diagram as an SVG: a bar per bin, as high as its accuracy", () => {
    const svg = render(h(ReliabilityDiagram, { report: classifier }));
    const bars = [
      ...svg.matchAll(/<rect class="bin" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g),
    ].map((m) => m.slice(1).map(Number));
    // 260 px with 36 px of padding: x = 36 + 188·v, y = 224 − 188·v.
    expect(bars).toHaveLength(2);
    expect(bars[0][0]).toBeCloseTo(36 + 188 * 0.6 + 0.5);
    expect(bars[0][1]).toBeCloseTo(224 - 188 * (2 / 3));
    expect(bars[0][3]).toBeCloseTo(188 * (2 / 3));
    expect(bars[1][3]).toBeCloseTo(188);
    expect(svg).toContain('role="img"');
    expect(svg).toContain("(0.60, 0.67]: 3 rows, confidence 0.650, accuracy 0.667");
    expect(svg).toContain('<line class="diagonal" x1="36" y1="224" x2="224" y2="36">');
    expect(render(h(ReliabilityDiagram, { report: { ...classifier, reliability: [] } }))).toBe("");
  });

  it("shows a regressor's metrics and its residual quantiles beside zero", () => {
    expect(html).toContain("<dt>MAE</dt><dd>41.1848</dd>");
    expect(html).toContain("<dt>R²</dt><dd>0.5770</dd>");
    const svg = render(h(ResidualQuantiles, { report: regressor }));
    expect(tableRows(svg, "compact numeric")).toEqual([
      ["quantile", "residual"],
      ["0.05", "-74.558"],
      ["0.5", "-4.827"],
      ["0.95", "95.703"],
    ]);
    const ticks = [...svg.matchAll(/<line class="quantile" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
    // From −74.558 to 95.703 over 288 px starting at 16.
    expect(ticks[0]).toBeCloseTo(16);
    expect(ticks[2]).toBeCloseTo(304);
    const zero = Number(svg.match(/<line class="zero" x1="([\d.]+)"/)![1]);
    expect(zero).toBeCloseTo(16 + (74.558 / (95.703 + 74.558)) * 288);
    expect(svg).toContain("Residual quantiles: 0.05: -74.558, 0.5: -4.827, 0.95: 95.703");
  });

  it("renders nothing without evaluations", () => {
    expect(render(h(Evaluations, { reports: reports.slice(0, 1) }))).toBe("");
  });
});
