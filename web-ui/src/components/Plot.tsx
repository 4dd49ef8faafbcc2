import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Bars, Series } from "../lib/reports";

const COLORS = ["#4f46e5", "#db2777", "#0891b2", "#ca8a04", "#16a34a", "#9333ea"];

/** Keeps a uPlot chart as wide as its container. */
function useChart(make: (width: number) => uPlot, deps: unknown[]) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const chart = make(element.clientWidth || 320);
    element.appendChild(chart.root);
    const observer = new ResizeObserver(() => chart.setSize({ width: element.clientWidth || 320, height: 240 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, deps);
  return ref;
}

export function LinePlot({ series }: { series: Series }) {
  const ref = useChart(
    (width) =>
      new uPlot(
        {
          width,
          height: 240,
          scales: { x: { time: false }, ...yScale(series) },
          axes: [{ label: series.xLabel }, { label: series.yLabel }],
          series: [
            { label: series.xLabel },
            ...series.lines.map((line, index) => ({
              label: line.label,
              stroke: COLORS[index % COLORS.length],
              width: 2,
              points: { show: series.x.length <= 30 },
              spanGaps: true,
            })),
          ],
        },
        [series.x, ...series.lines.map((line) => line.y)] as uPlot.AlignedData,
      ),
    [series],
  );
  return (
    <figure class="plot">
      <figcaption>{series.title}</figcaption>
      <div ref={ref} role="img" aria-label={`${series.title}: ${describe(series)}`} />
    </figure>
  );
}

/**
 * Accuracies are read against the whole 0..1 range, so curves of different reports compare; losses,
 * which fall by orders of magnitude in the first epochs, on a log scale.
 */
function yScale(series: Series): uPlot.Options["scales"] {
  if (series.yLabel === "accuracy") return { y: { range: [0, 1] } };
  const positive = series.lines.every((line) => line.y.every((value) => value === null || value > 0));
  return series.yLabel === "loss" && positive ? { y: { distr: 3 } } : {};
}

function describe(series: Series): string {
  return series.lines
    .map(
      (line) =>
        `${line.label} ${series.x.map((x, i) => `${x}: ${line.y[i] === null ? "–" : (line.y[i] as number).toFixed(3)}`).join(", ")}`,
    )
    .join("; ");
}

/**
 * Accuracy (or a regressor's error) per corruption and severity as a heat table: readable, and exact
 * for screen readers. Accuracies are shaded on 0..1; errors from the table's lowest (green) to its
 * highest (red).
 */
export function CorruptionTable({ bars }: { bars: Bars }) {
  const values = bars.groups.flatMap((group) => group.values).filter((v): v is number => v !== null);
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  const goodness = (value: number) =>
    bars.measure === "accuracy" ? value : highest > lowest ? (highest - value) / (highest - lowest) : 1;
  const format = (value: number) =>
    bars.measure === "accuracy" ? `${(value * 100).toFixed(1)} %` : value.toPrecision(4);
  return (
    <figure class="plot wide">
      <figcaption>{bars.title}</figcaption>
      <div class="table-scroll">
        <table class="heat">
          <thead>
            <tr>
              <th scope="col">corruption · severity</th>
              {bars.groups.map((group) => (
                <th scope="col" key={group.label} aria-label={group.label}>
                  {group.label.replace(/^severity /, "")}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {bars.categories.map((category, row) => (
              <tr key={category}>
                <th scope="row">{category}</th>
                {bars.groups.map((group) => {
                  const value = group.values[row];
                  return (
                    <td
                      key={group.label}
                      style={
                        value === null ? undefined : { background: `hsl(${Math.round(goodness(value) * 130)} 70% 88%)` }
                      }
                    >
                      {value === null ? "–" : format(value)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
