// Turns job reports (api-contract "Jobs: parameters and reports") into the series the plots draw.
import type { ReportView } from "./api";

/** x values and one or more named y series of equal length, sorted by x. */
export interface Series {
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  lines: { label: string; y: (number | null)[] }[];
}

/** Bars: one value per category, optionally grouped (e.g. corruption × severity). */
export interface Bars {
  title: string;
  categories: string[];
  groups: { label: string; values: (number | null)[] }[];
}

type Row = Record<string, unknown>;

const rows = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/**
 * Joins rows keyed by an x member into aligned series: every x any series has, ascending, with null
 * where a series has no point.
 */
export function align(
  xKey: string,
  sources: { label: string; rows: Row[]; y: string }[],
): { x: number[]; lines: { label: string; y: (number | null)[] }[] } {
  const xs = new Set<number>();
  for (const source of sources)
    for (const row of source.rows) {
      const x = num(row[xKey]);
      if (x !== null) xs.add(x);
    }
  const x = [...xs].sort((a, b) => a - b);
  const lines = sources
    .filter((source) => source.rows.length > 0)
    .map((source) => {
      const byX = new Map<number, number | null>();
      for (const row of source.rows) {
        const at = num(row[xKey]);
        if (at !== null) byX.set(at, num(row[source.y]));
      }
      return { label: source.label, y: x.map((at) => byX.get(at) ?? null) };
    });
  return { x, lines };
}

/** Accuracy against Gaussian noise σ. */
export function noiseSeries(report: Row): Series | null {
  const noise = rows(report.noise);
  if (!noise.length) return null;
  return {
    title: "Accuracy vs noise σ",
    xLabel: "σ",
    yLabel: "accuracy",
    ...align("sigma", [{ label: "Gaussian noise", rows: noise, y: "accuracy" }]),
  };
}

/** Accuracy against the attack budget ε, FGSM and PGD as two lines. */
export function epsilonSeries(report: Row): Series | null {
  const fgsm = rows(report.fgsm);
  const pgd = rows(report.pgd);
  if (!fgsm.length && !pgd.length) return null;
  const steps = num(pgd[0]?.steps);
  return {
    title: "Accuracy vs ε (L∞)",
    xLabel: "ε",
    yLabel: "accuracy",
    ...align("epsilon", [
      { label: "FGSM", rows: fgsm, y: "accuracy" },
      { label: steps ? `PGD (${steps} steps)` : "PGD", rows: pgd, y: "accuracy" },
    ]),
  };
}

/**
 * The reliability diagram behind the ECE: accuracy against mean confidence in each non-empty
 * confidence bin, beside the diagonal of perfect calibration.
 */
export function reliabilitySeries(report: Row): Series | null {
  const bins = rows((report.clean as Row | undefined)?.reliability)
    .map((bin) => ({ confidence: num(bin.confidence), accuracy: num(bin.accuracy) }))
    .filter((bin): bin is { confidence: number; accuracy: number | null } => bin.confidence !== null)
    .sort((a, b) => a.confidence - b.confidence);
  if (!bins.length) return null;
  const x = bins.map((bin) => bin.confidence);
  return {
    title: "Calibration (reliability diagram)",
    xLabel: "confidence",
    yLabel: "accuracy",
    x,
    lines: [
      { label: "accuracy per confidence bin", y: bins.map((bin) => bin.accuracy) },
      { label: "perfect calibration", y: x },
    ],
  };
}

/** Accuracy per corruption, one group per severity. */
export function corruptionBars(report: Row): Bars | null {
  const corruptions = rows(report.corruptions);
  if (!corruptions.length) return null;
  const names = [...new Set(corruptions.map((row) => String(row.name)))];
  const severities = [
    ...new Set(corruptions.map((row) => num(row.severity)).filter((s): s is number => s !== null)),
  ].sort((a, b) => a - b);
  return {
    title: "Accuracy under corruptions",
    categories: names.map((name) => name.toLowerCase().replace(/_/g, " ")),
    groups: severities.map((severity) => ({
      label: `severity ${severity}`,
      values: names.map((name) =>
        num(corruptions.find((row) => row.name === name && row.severity === severity)?.accuracy),
      ),
    })),
  };
}

/** Training and held-out loss per epoch (distillation and transfer reports). */
export function historySeries(report: Row): Series | null {
  const history = rows(report.history);
  if (!history.length) return null;
  const keys = Object.keys(history[0]).filter((key) => key !== "epoch" && typeof history[0][key] === "number");
  const pretty: Record<string, string> = {
    loss: "training loss",
    heldOutLoss: "held-out loss",
    accuracy: "accuracy",
    validationAccuracy: "validation accuracy",
  };
  return {
    title: "Training history",
    xLabel: "epoch",
    yLabel: "loss",
    ...align(
      "epoch",
      keys.map((key) => ({ label: pretty[key] ?? key, rows: history, y: key })),
    ),
  };
}

/** Headline numbers of a report, as label/value pairs, formatted for reading. */
export function headline(report: Row): { label: string; value: string }[] {
  const percent = (value: unknown) => (num(value) === null ? null : `${(100 * (value as number)).toFixed(1)} %`);
  const ratio = (value: unknown) => (num(value) === null ? null : `${(value as number).toFixed(3)}×`);
  const plain = (value: unknown) => (num(value) === null ? null : (value as number).toPrecision(3));
  const clean = (report.clean ?? {}) as Row;
  const candidates: [string, string | null][] = [
    ["clean accuracy", percent(clean.accuracy)],
    ["calibration error (ECE)", plain(clean.ece)],
    ["fidelity to teacher", percent(report.fidelity)],
    ["accuracy", percent(report.accuracy)],
    ["teacher accuracy", percent(report.teacherAccuracy)],
    ["baseline accuracy", percent(report.baselineAccuracy)],
    ["KL to teacher", plain(report.kl)],
    ["parameters vs teacher", ratio(report.parameterRatio)],
    ["size vs teacher", ratio(report.sizeRatio)],
    ["latency vs teacher", ratio(report.latencyRatio)],
    ["parameters", num(report.parameters) === null ? null : (report.parameters as number).toLocaleString("en")],
    [
      "latency per sample",
      num(report.latencyMsPerSample) === null ? null : `${(report.latencyMsPerSample as number).toPrecision(2)} ms`,
    ],
  ];
  return candidates
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([label, value]) => ({ label, value }));
}

/** Everything plottable in a version's reports, newest report of each type first. */
export function plotsOf(
  reports: ReportView[],
): { type: string; series: Series[]; bars: Bars[]; headline: { label: string; value: string }[] }[] {
  return [...reports]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((view) => {
      const report = view.report ?? {};
      return {
        type: view.type,
        series: [noiseSeries(report), epsilonSeries(report), reliabilitySeries(report), historySeries(report)].filter(
          (s): s is Series => s !== null,
        ),
        bars: [corruptionBars(report)].filter((b): b is Bars => b !== null),
        headline: headline(report),
      };
    });
}
