// The evaluate job's reports on a version page: one section per data set ("Evaluated on …").
import type { ReportView } from "../lib/api";
import {
  confusionOf,
  evaluationMetrics,
  evaluationsOf,
  perClassOf,
  reliabilityBinsOf,
  residualQuantilesOf,
  type EvaluationGroup,
} from "../lib/reports";
import { formatDate } from "./common";

type Row = Record<string, unknown>;

/** Every data set the version was evaluated on, newest evaluation first; nothing without any. */
export function Evaluations({ reports }: { reports: ReportView[] }) {
  const groups = evaluationsOf(reports);
  if (!groups.length) return null;
  return (
    <div class="evaluations">
      {groups.map((group, index) => (
        <EvaluationSection key={group.on} group={group} id={`evaluation-${index}`} />
      ))}
    </div>
  );
}

export function EvaluationSection({ group, id }: { group: EvaluationGroup; id: string }) {
  const report = group.latest.report as Row;
  const rows = (report.data as Row | undefined)?.rows;
  return (
    <section class="report evaluation" aria-labelledby={id}>
      <h2 id={id}>Evaluated on {group.on}</h2>
      <p class="muted">
        {typeof rows === "number" ? `${rows.toLocaleString("en")} rows · ` : ""}
        {report.task === "regression" ? "regression" : "classification"} · {formatDate(group.latest.createdAt)}
        {group.earlier > 0
          ? ` · ${group.earlier} earlier evaluation${group.earlier > 1 ? "s" : ""} on this data set`
          : ""}
      </p>
      <dl class="stats">
        {evaluationMetrics(report).map((metric) => (
          <div key={metric.label}>
            <dt>{metric.label}</dt>
            <dd>{metric.value}</dd>
          </div>
        ))}
      </dl>
      {report.task === "regression" ? (
        <div class="plots">
          <ResidualQuantiles report={report} />
        </div>
      ) : (
        <div class="plots">
          <ReliabilityDiagram report={report} />
          <PerClassTable report={report} />
          <ConfusionMatrix report={report} />
        </div>
      )}
    </section>
  );
}

export function PerClassTable({ report }: { report: Row }) {
  const classes = perClassOf(report);
  if (!classes.length) return null;
  return (
    <figure class="plot">
      <figcaption>Per class</figcaption>
      {/* Focusable, so that keyboard users can scroll a table wider than its column. */}
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Per-class figures">
        <table class="compact numeric">
          <thead>
            <tr>
              <th scope="col">class</th>
              <th scope="col">rows</th>
              <th scope="col">predicted</th>
              <th scope="col">precision</th>
              <th scope="col">recall</th>
              <th scope="col">F1</th>
            </tr>
          </thead>
          <tbody>
            {classes.map((c) => (
              <tr key={c.label}>
                <th scope="row">{c.label}</th>
                <td>{c.support}</td>
                <td>{c.predicted}</td>
                <td>{c.precision}</td>
                <td>{c.recall}</td>
                <td>{c.f1}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/** The confusion matrix as a heat map: each cell shaded by its share of the true class's rows. */
export function ConfusionMatrix({ report }: { report: Row }) {
  const matrix = confusionOf(report);
  if (!matrix) return null;
  return (
    <figure class="plot wide">
      <figcaption>Confusion matrix (rows: true class, columns: predicted class)</figcaption>
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Confusion matrix">
        <table class="heat confusion">
          <thead>
            <tr>
              <th scope="col">true · predicted</th>
              {matrix.labels.map((label) => (
                <th scope="col" key={label}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.rows.map((row, i) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                {row.cells.map((cell, j) => (
                  <td
                    key={j}
                    class={i === j ? "diagonal" : cell.count ? "confused" : undefined}
                    style={cell.count ? { background: heat(cell.share, i === j) } : undefined}
                    title={`${row.label} predicted as ${matrix.labels[j]}: ${cell.count} of ${row.total} (${(100 * cell.share).toFixed(1)} %)`}
                  >
                    {cell.count}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/**
 * Right answers in green, confusions in red, deeper with a larger share of the row (never so deep
 * that the count's text falls below WCAG AA contrast).
 */
function heat(share: number, diagonal: boolean): string {
  const lightness = Math.round(95 - 40 * Math.min(1, share));
  return diagonal ? `hsl(140 60% ${lightness}%)` : `hsl(0 75% ${Math.round(95 - 28 * Math.min(1, 2 * share))}%)`;
}

const SIZE = 260;
const PAD = 36;

/**
 * The reliability diagram behind the ECE: each non-empty confidence bin as a bar as high as the
 * accuracy of its rows, a dot at their mean confidence, beside the diagonal of perfect calibration.
 */
export function ReliabilityDiagram({ report }: { report: Row }) {
  const bins = reliabilityBinsOf(report);
  if (!bins.length) return null;
  const inner = SIZE - 2 * PAD;
  const x = (v: number) => PAD + v * inner;
  const y = (v: number) => SIZE - PAD - v * inner;
  const described = bins
    .map(
      (b) =>
        `(${b.from.toFixed(2)}, ${b.to.toFixed(2)}]: ${b.count} rows, confidence ${b.confidence.toFixed(3)}, accuracy ${b.accuracy.toFixed(3)}`,
    )
    .join("; ");
  return (
    <figure class="plot">
      <figcaption>Calibration (reliability diagram)</figcaption>
      <svg
        class="reliability"
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        width={SIZE}
        height={SIZE}
        role="img"
        aria-label={`Accuracy per confidence bin: ${described}`}
      >
        <line class="axis" x1={x(0)} y1={y(0)} x2={x(1)} y2={y(0)} />
        <line class="axis" x1={x(0)} y1={y(0)} x2={x(0)} y2={y(1)} />
        {[0, 0.5, 1].map((t) => (
          <g key={t}>
            <text class="tick" x={x(t)} y={y(0) + 14} text-anchor="middle">
              {t}
            </text>
            <text class="tick" x={x(0) - 6} y={y(t) + 4} text-anchor="end">
              {t}
            </text>
          </g>
        ))}
        {bins.map((b) => (
          <rect
            key={b.from}
            class="bin"
            x={x(b.from) + 0.5}
            y={y(b.accuracy)}
            width={Math.max(1, x(b.to) - x(b.from) - 1)}
            height={y(0) - y(b.accuracy)}
          >
            <title>{`confidence (${b.from.toFixed(2)}, ${b.to.toFixed(2)}]: ${b.count} rows, accuracy ${b.accuracy.toFixed(3)}`}</title>
          </rect>
        ))}
        <line class="diagonal" x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} />
        {bins.map((b) => (
          <circle key={`c${b.from}`} class="confidence" cx={x(b.confidence)} cy={y(b.accuracy)} r={2.5} />
        ))}
        <text class="label" x={x(0.5)} y={SIZE - 4} text-anchor="middle">
          confidence
        </text>
        <text class="label" x={8} y={y(0.5)} text-anchor="middle" transform={`rotate(-90 8 ${y(0.5)})`}>
          accuracy
        </text>
      </svg>
    </figure>
  );
}

/** The residual quantiles as a table and on one axis, beside zero. */
export function ResidualQuantiles({ report }: { report: Row }) {
  const quantiles = residualQuantilesOf(report);
  if (!quantiles.length) return null;
  const width = 320;
  const height = 70;
  const low = Math.min(0, ...quantiles.map((q) => q.value));
  const high = Math.max(0, ...quantiles.map((q) => q.value));
  const span = high - low || 1;
  const x = (v: number) => 16 + ((v - low) / span) * (width - 32);
  return (
    <figure class="plot wide">
      <figcaption>Residuals (target − prediction): quantiles</figcaption>
      <div class="residuals">
        <table class="compact numeric">
          <thead>
            <tr>
              <th scope="col">quantile</th>
              <th scope="col">residual</th>
            </tr>
          </thead>
          <tbody>
            {quantiles.map((q) => (
              <tr key={q.q}>
                <th scope="row">{q.q}</th>
                <td>{q.value.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <svg
          class="quantiles"
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          role="img"
          aria-label={`Residual quantiles: ${quantiles.map((q) => `${q.q}: ${q.value.toFixed(3)}`).join(", ")}`}
        >
          <line class="axis" x1={x(low)} y1={40} x2={x(high)} y2={40} />
          <line class="zero" x1={x(0)} y1={18} x2={x(0)} y2={52} />
          <text class="tick" x={x(0)} y={66} text-anchor="middle">
            0
          </text>
          <line
            class="spread"
            x1={x(quantiles[0].value)}
            y1={40}
            x2={x(quantiles[quantiles.length - 1].value)}
            y2={40}
          />
          {quantiles.map((q, i) => (
            <g key={q.q}>
              <line class="quantile" x1={x(q.value)} y1={32} x2={x(q.value)} y2={48} />
              {/* Alternate heights, so that the labels of close quantiles do not overlap. */}
              <text class="tick" x={x(q.value)} y={i % 2 ? 14 : 27} text-anchor="middle">
                {q.q}
              </text>
            </g>
          ))}
        </svg>
      </div>
    </figure>
  );
}
