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

/**
 * Bars: one value per category, optionally grouped (e.g. corruption × severity). `measure` says what
 * the values are: accuracies (fractions, higher is better) or errors (a regressor's RMSE, lower is
 * better).
 */
export interface Bars {
  title: string;
  measure: "accuracy" | "error";
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

/** Whether a robustness report is a regressor's: errors (MAE, RMSE, R²) instead of accuracies. */
export const isRegression = (report: Row): boolean => report.task === "regression";

/**
 * What a robustness report's curves plot: a classifier's accuracy, a regressor's RMSE (the error the
 * attacks raise).
 */
const measureOf = (report: Row) =>
  isRegression(report)
    ? { key: "rmse", label: "RMSE", title: "RMSE" }
    : { key: "accuracy", label: "accuracy", title: "Accuracy" };

/** Accuracy (regressors: RMSE) against Gaussian noise σ. */
export function noiseSeries(report: Row): Series | null {
  const noise = rows(report.noise);
  if (!noise.length) return null;
  const measure = measureOf(report);
  return {
    title: `${measure.title} vs noise σ`,
    xLabel: "σ",
    yLabel: measure.label,
    ...align("sigma", [{ label: "Gaussian noise", rows: noise, y: measure.key }]),
  };
}

/**
 * Accuracy (regressors: RMSE) against the attack budget ε: FGSM, PGD and Square Attack (the
 * black-box attack) as lines, those that ran.
 */
export function epsilonSeries(report: Row): Series | null {
  const fgsm = rows(report.fgsm);
  const pgd = rows(report.pgd);
  const square = rows(report.blackBox).filter((row) => row.attack === "square");
  if (!fgsm.length && !pgd.length && !square.length) return null;
  const steps = num(pgd[0]?.steps);
  const queries = num(square[0]?.queries);
  const measure = measureOf(report);
  return {
    title: `${measure.title} vs ε (L∞)`,
    xLabel: "ε",
    yLabel: measure.label,
    ...align("epsilon", [
      { label: "FGSM", rows: fgsm, y: measure.key },
      { label: steps ? `PGD (${steps} steps)` : "PGD", rows: pgd, y: measure.key },
      { label: queries ? `Square Attack (${queries} queries)` : "Square Attack", rows: square, y: measure.key },
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

/** Accuracy (regressors: RMSE) per corruption, one group per severity. */
export function corruptionBars(report: Row): Bars | null {
  const corruptions = rows(report.corruptions);
  if (!corruptions.length) return null;
  const names = [...new Set(corruptions.map((row) => String(row.name)))];
  const severities = [
    ...new Set(corruptions.map((row) => num(row.severity)).filter((s): s is number => s !== null)),
  ].sort((a, b) => a - b);
  const measure = measureOf(report);
  return {
    title: `${measure.title} under corruptions`,
    measure: isRegression(report) ? "error" : "accuracy",
    categories: names.map((name) => name.toLowerCase().replace(/_/g, " ")),
    groups: severities.map((severity) => ({
      label: `severity ${severity}`,
      values: names.map((name) =>
        num(corruptions.find((row) => row.name === name && row.severity === severity)?.[measure.key]),
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
    validationMse: "validation MSE",
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
  // A regressor's distillation measures the student against the teacher and the data's targets.
  const vsTeacher = (report.vsTeacher ?? {}) as Row;
  const vsTarget = (report.vsTarget ?? {}) as Row;
  const teacherVsTarget = (report.teacherVsTarget ?? {}) as Row;
  const candidates: [string, string | null][] = [
    ["clean accuracy", percent(clean.accuracy)],
    ["calibration error (ECE)", plain(clean.ece)],
    // A regressor's robustness report: its clean errors.
    ["clean MAE", plain(clean.mae)],
    ["clean RMSE", plain(clean.rmse)],
    ["clean R²", plain(clean.r2)],
    ["fidelity to teacher", percent(report.fidelity)],
    ["accuracy", percent(report.accuracy)],
    // Evaluate reports: the headline figures (the version page shows them all).
    ["calibration error (ECE)", plain(report.ece)],
    ["MAE", plain(report.mae)],
    ["RMSE", plain(report.rmse)],
    ["R²", plain(report.r2)],
    ["R² vs teacher", plain(vsTeacher.r2)],
    ["RMSE vs teacher", plain(vsTeacher.rmse)],
    ["R² vs targets", plain(vsTarget.r2)],
    ["teacher R² vs targets", plain(teacherVsTarget.r2)],
    ["teacher accuracy", percent(report.teacherAccuracy)],
    ["baseline accuracy", percent(report.baselineAccuracy)],
    // Transfer to a regression task: the same head on raw inputs.
    ["baseline RMSE", plain(report.baselineRmse)],
    ["baseline R²", plain(report.baselineR2)],
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

/**
 * An evaluate report's data set, as its heading says it: `owner/name`, or the bundled benchmark set
 * (the market records which one the job used).
 */
export function evaluatedOn(report: Row): string {
  const data = (report.data ?? {}) as Row;
  if (typeof data.dataset === "string") return data.dataset;
  if (typeof data.benchmark === "string") return `benchmark ${data.benchmark}`;
  return "an unnamed data set";
}

/** One data set's evaluations of a version: the newest, and how many ran before it. */
export interface EvaluationGroup {
  on: string;
  latest: ReportView;
  earlier: number;
}

/** A version's evaluate reports, one group per data set, the most recently evaluated first. */
export function evaluationsOf(reports: ReportView[]): EvaluationGroup[] {
  const groups = new Map<string, EvaluationGroup>();
  const newestFirst = reports
    .filter((view) => view.type === "evaluate" && view.report)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const view of newestFirst) {
    const on = evaluatedOn(view.report);
    const group = groups.get(on);
    if (group) group.earlier++;
    else groups.set(on, { on, latest: view, earlier: 0 });
  }
  return [...groups.values()];
}

const fixed = (digits: number) => (value: unknown) => (num(value) === null ? "–" : (value as number).toFixed(digits));

/** An evaluation's headline figures, formatted for reading. */
export function evaluationMetrics(report: Row): { label: string; value: string }[] {
  if (report.task === "regression") {
    return [
      { label: "MAE", value: fixed(4)(report.mae) },
      { label: "RMSE", value: fixed(4)(report.rmse) },
      { label: "R²", value: fixed(4)(report.r2) },
      { label: "mean residual", value: fixed(4)(report.meanResidual) },
    ];
  }
  const macro = (report.macro ?? {}) as Row;
  return [
    {
      label: "accuracy",
      value: num(report.accuracy) === null ? "–" : `${(100 * (report.accuracy as number)).toFixed(1)} %`,
    },
    { label: "macro precision", value: fixed(3)(macro.precision) },
    { label: "macro recall", value: fixed(3)(macro.recall) },
    { label: "macro F1", value: fixed(3)(macro.f1) },
    { label: `calibration error (ECE, ${num(report.bins) ?? "?"} bins)`, value: fixed(4)(report.ece) },
  ];
}

/** Per-class figures as table rows; an undefined ratio (null) is "–". */
export function perClassOf(
  report: Row,
): { label: string; support: number; predicted: number; precision: string; recall: string; f1: string }[] {
  return rows(report.perClass).map((row) => ({
    label: String(row.label),
    support: num(row.support) ?? 0,
    predicted: num(row.predicted) ?? 0,
    precision: fixed(3)(row.precision),
    recall: fixed(3)(row.recall),
    f1: fixed(3)(row.f1),
  }));
}

/**
 * The confusion matrix with each cell's share of its row (its true class), which colours the heat
 * map: the diagonal is each class's recall.
 */
export function confusionOf(
  report: Row,
): { labels: string[]; rows: { label: string; total: number; cells: { count: number; share: number }[] }[] } | null {
  const matrix = Array.isArray(report.confusion) ? (report.confusion as unknown[][]) : null;
  if (!matrix || !matrix.length) return null;
  const labels = Array.isArray(report.labels)
    ? (report.labels as unknown[]).map(String)
    : matrix.map((_, i) => String(i));
  return {
    labels,
    rows: matrix.map((row, i) => {
      const counts = row.map((cell) => num(cell) ?? 0);
      const total = counts.reduce((a, b) => a + b, 0);
      return {
        label: labels[i] ?? String(i),
        total,
        cells: counts.map((count) => ({ count, share: total ? count / total : 0 })),
      };
    }),
  };
}

/** The reliability bins of an evaluate report (or a robustness report's clean run), by confidence. */
export function reliabilityBinsOf(
  report: Row,
): { from: number; to: number; count: number; confidence: number; accuracy: number }[] {
  const source = Array.isArray(report.reliability)
    ? report.reliability
    : (report.clean as Row | undefined)?.reliability;
  return rows(source)
    .map((bin) => ({
      from: num(bin.from),
      to: num(bin.to),
      count: num(bin.count),
      confidence: num(bin.confidence),
      accuracy: num(bin.accuracy),
    }))
    .filter(
      (bin): bin is { from: number; to: number; count: number; confidence: number; accuracy: number } =>
        bin.from !== null && bin.to !== null && bin.count !== null && bin.confidence !== null && bin.accuracy !== null,
    )
    .sort((a, b) => a.from - b.from);
}

/** A regression report's residual quantiles, by q. */
export function residualQuantilesOf(report: Row): { q: number; value: number }[] {
  return rows(report.residualQuantiles)
    .map((row) => ({ q: num(row.q), value: num(row.value) }))
    .filter((row): row is { q: number; value: number } => row.q !== null && row.value !== null)
    .sort((a, b) => a.q - b.q);
}

/** A note beside a report's plots: an attack and whether it ran, or a measurement skipped. */
export interface Note {
  name: string;
  ran: boolean;
  reason: string;
}

const ATTACK_NAMES: Record<string, string> = {
  fgsm: "FGSM",
  pgd: "PGD",
  square: "Square Attack",
  corruptions: "Corruptions",
  calibration: "Calibration",
  fooling: "Fooling test",
};

/**
 * Which attacks of a robustness report ran and why, then what it did not measure and why (a
 * regressor's `skipped`: corruptions of a table, calibration, fooling).
 */
export function notesOf(report: Row): Note[] {
  const note = (row: Row, ran: boolean): Note => ({
    name: ATTACK_NAMES[String(row.name)] ?? String(row.name),
    ran,
    reason: String(row.reason ?? ""),
  });
  return [
    ...rows(report.attacks).map((row) => note(row, row.ran === true)),
    ...rows(report.skipped).map((row) => note(row, false)),
  ];
}

/**
 * Everything plottable in a version's reports, newest report of each type first. Evaluations have
 * their own section (evaluationsOf).
 */
export function plotsOf(reports: ReportView[]): {
  type: string;
  series: Series[];
  bars: Bars[];
  headline: { label: string; value: string }[];
  notes: Note[];
}[] {
  return reports
    .filter((view) => view.type !== "evaluate")
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
        notes: notesOf(report),
      };
    });
}
