/**
 * `runComparison`: one metric of several runs on one axis, from metric rows
 * or the rows of `curves()` (`{run_id, step, value}`).
 *
 * @module
 */
import { Chart } from "./chart.ts";
import {
  type ChartOptions,
  color,
  common,
  distinct,
  field,
  frame,
  linePanel,
  type MetricRow,
  requireFinite,
  requireRows,
  type Rows,
  type Series,
} from "./_common.ts";

/** Options of {@linkcode runComparison}. */
export interface RunComparisonOptions extends ChartOptions {
  /** The metric to compare (default `"loss"`), when rows carry `metric`. */
  metric?: string;
  /** The split to compare (default `"val"`), when rows carry `split`. */
  split?: string;
  /** Runs to draw, in legend order (default: every run in the rows, in order of appearance). */
  runs?: string[];
  /** Legend labels by run id (default: the run id). */
  labels?: Record<string, string>;
  /** EMA smoothing weight in [0, 1) applied to every run (default 0: off). */
  smoothing?: number;
  /** Log scale on the y axis (default false). */
  logY?: boolean;
}

const ACTION = "run comparison";

/**
 * Draws one metric of one split by step, a line per run (`run_id`), with a
 * legend. Rows of other metrics or splits are left out when they carry
 * those fields. Default title "METRIC (SPLIT) by run", height 320.
 *
 * @example
 * ```ts
 * import { runComparison } from "./mod.ts";
 * const rows = ["a", "b"].flatMap((run_id, k) =>
 *   [100, 200, 300].map((step) => ({ run_id, step, split: "val", metric: "loss", value: (3 + k) / Math.sqrt(step) }))
 * );
 * const chart = runComparison(rows, { labels: { a: "lr 1e-3", b: "lr 3e-3" } });
 * ```
 */
export function runComparison(rows: Rows<MetricRow>, options: RunComparisonOptions = {}): Chart {
  const metric = options.metric ?? "loss";
  const split = options.split ?? "val";
  const c = common(options, { title: `${metric} (${split}) by run` });
  const checked = requireRows(ACTION, rows, "metric rows with run_id, step and value");
  const points: { run: string; x: number; y: number }[] = [];
  checked.forEach((r, i) => {
    if ("metric" in r && field(ACTION, r, i, "metric", "string") !== metric) return;
    if ("split" in r && field(ACTION, r, i, "split", "string") !== split) return;
    const run = field(ACTION, r, i, "run_id", "string");
    const x = field(ACTION, r, i, "step", "number");
    const y = field(ACTION, r, i, "value", "number?");
    points.push({ run, x, y: y ?? NaN });
  });
  if (points.length === 0) {
    throw new TypeError(`Cannot plot ${ACTION}: no rows of metric "${metric}" and split "${split}"`);
  }
  const runs = options.runs ?? distinct(points.map((p) => p.run));
  const series: Series[] = runs.map((run, k) => {
    const pts = points.filter((p) => p.run === run).sort((a, b) => a.x - b.x);
    if (pts.length === 0) throw new TypeError(`Cannot plot ${ACTION}: run "${run}" has no rows of "${metric}"`);
    const w = options.smoothing ?? 0;
    return {
      label: options.labels?.[run] ?? run,
      color: color(k),
      points: pts,
      ...(w > 0 ? { smoothing: w } : {}),
      dots: w === 0 && pts.length <= 60,
    };
  });
  requireFinite(ACTION, series.flatMap((s) => s.points.map((p) => p.y)), "value", {
    of: `of metric "${metric}" and split "${split}"`,
    ...(options.logY ? { logY: true } : {}),
  });
  const panel = linePanel(series, {
    width: c.width,
    height: c.height,
    xLabel: "step",
    yLabel: `${split} ${metric}${options.logY ? " (log scale)" : ""}`,
    ...(options.logY ? { logY: true } : {}),
  });
  const w = options.smoothing ?? 0;
  const { svg, height } = frame({
    width: c.width,
    title: c.title,
    subtitle: options.subtitle ?? (w > 0 ? `EMA smoothing ${w} (faint lines: raw values)` : ""),
    legend: series.map((s) => ({ label: s.label, color: s.color })),
    panels: [{ svg: panel, height: c.height }],
  });
  return new Chart(svg, { kind: "runComparison", width: c.width, height, title: c.title });
}
