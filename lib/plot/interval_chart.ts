/**
 * `intervalChart`: evaluation values with their bootstrap intervals as
 * error bars, one panel per metric (each on its own scale), from the rows
 * of `eval/metrics.ndjson` or the `evals` view.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { Chart } from "./chart.ts";
import {
  type ChartOptions,
  color,
  common,
  distinct,
  field,
  formatNumber,
  frame,
  plotPanel,
  requireFinite,
  requireRows,
  type Rows,
} from "./_common.ts";

/** One evaluation result, as in `eval/metrics.ndjson` (only `metric` and `value` are required). */
export interface IntervalRow {
  metric: string;
  value: number | null;
  ci_low?: number | null;
  ci_high?: number | null;
  run_id?: string;
  dataset?: string;
  split?: string;
  step?: number | bigint;
}

/** Options of {@linkcode intervalChart}. */
export interface IntervalChartOptions extends ChartOptions {
  /** The metrics to draw, in order (default: every metric in the rows, in order of appearance). */
  metrics?: string[];
  /** Legend labels by run id, when the rows hold several runs (default: the run id). */
  labels?: Record<string, string>;
  /** Pixels per row of a panel (default 22); `height` is not used: panels grow with their rows. */
  rowHeight?: number;
}

const ACTION = "intervals";
const KEYS = ["run_id", "dataset", "split", "step"] as const;

/**
 * Draws each value as a dot with its interval `[ci_low, ci_high]` as an
 * error bar and the numbers beside it; a panel per metric, a row per run,
 * dataset, split and step that differ between rows (a later row with the
 * same ones replaces an earlier one: `eval/metrics.ndjson` appends every
 * evaluation). Rows without an interval get a dot only. Default title
 * "Evaluation with bootstrap intervals", 22 px per row.
 *
 * @example
 * ```ts
 * import { intervalChart } from "./mod.ts";
 * const chart = intervalChart([
 *   { metric: "accuracy", value: 0.95, ci_low: 0.93, ci_high: 0.965, run_id: "a" },
 *   { metric: "accuracy", value: 0.91, ci_low: 0.88, ci_high: 0.94, run_id: "b" },
 *   { metric: "log_loss", value: 0.19, ci_low: 0.16, ci_high: 0.22, run_id: "a" },
 * ]);
 * ```
 */
export function intervalChart(rows: Rows<IntervalRow>, options: IntervalChartOptions = {}): Chart {
  const c = common(options, { title: "Evaluation with bootstrap intervals" });
  const rowHeight = options.rowHeight ?? 22;
  const checked = requireRows(ACTION, rows, "eval rows with metric, value, ci_low and ci_high");
  type Item = { metric: string; key: Record<string, string>; run: string; value: number; low: number; high: number };
  const byKey = new Map<string, Item>();
  checked.forEach((r, i) => {
    const metric = field(ACTION, r, i, "metric", "string");
    const value = field(ACTION, r, i, "value", "number?") ?? NaN;
    const low = "ci_low" in r ? field(ACTION, r, i, "ci_low", "number?") ?? NaN : NaN;
    const high = "ci_high" in r ? field(ACTION, r, i, "ci_high", "number?") ?? NaN : NaN;
    const key = Object.fromEntries(
      KEYS.filter((k) => r[k] !== undefined && r[k] !== null).map((k) => [k, String(r[k])]),
    );
    byKey.set(JSON.stringify([metric, key]), { metric, key, run: key.run_id ?? "", value, low, high });
  });
  const items = [...byKey.values()];
  const varying = KEYS.filter((k) => distinct(items.map((it) => it.key[k])).length > 1);
  const label = (it: Item) => {
    const parts = varying.map((
      k,
    ) => (k === "run_id" ? options.labels?.[it.key[k]!] ?? it.key[k] : k === "step" ? `step ${it.key[k]}` : it.key[k]));
    if (parts.length) return parts.join(" ");
    return [it.key.dataset, it.key.split].filter(Boolean).join(" ") || it.metric;
  };
  const metrics = options.metrics ?? distinct(items.map((it) => it.metric));
  const runs = distinct(items.map((it) => it.run));
  const runColor = (run: string) => color(Math.max(0, runs.indexOf(run)));
  const labelWidth = Math.max(...items.map((it) => label(it).length));
  const marginLeft = Math.min(220, 24 + labelWidth * 6.2);
  const panels = metrics.map((metric) => {
    const data = items.filter((it) => it.metric === metric).map((it) => ({
      ...it,
      y: label(it),
      stroke: runColor(it.run),
      text: Number.isFinite(it.low)
        ? `${formatNumber(it.value)} [${formatNumber(it.low)}, ${formatNumber(it.high)}]`
        : formatNumber(it.value),
      textX: Number.isFinite(it.high) ? Math.max(it.high, it.value) : it.value,
    }));
    if (data.length === 0) throw new TypeError(`Cannot plot ${ACTION}: no rows of metric "${metric}"`);
    requireFinite(ACTION, data.map((d) => d.value), "value", { of: `of metric "${metric}"` });
    const withCi = data.filter((d) => Number.isFinite(d.low) && Number.isFinite(d.high));
    const height = 44 + data.length * rowHeight;
    return {
      height,
      svg: plotPanel({
        width: c.width,
        height,
        marginLeft,
        marginRight: 170,
        marginTop: 20,
        marginBottom: 24,
        x: withCi.length ? { nice: true, inset: 8, label: null, grid: true } : { axis: null },
        y: { domain: distinct(data.map((d) => d.y)), label: metric, labelAnchor: "top", labelArrow: "none" },
        marks: [
          Plot.ruleY(withCi, { y: "y", x1: "low", x2: "high", stroke: "stroke", strokeWidth: 1.5 }),
          Plot.tickX(withCi, { y: "y", x: "low", stroke: "stroke", inset: 6, strokeWidth: 1.5 }),
          Plot.tickX(withCi, { y: "y", x: "high", stroke: "stroke", inset: 6, strokeWidth: 1.5 }),
          Plot.dot(data, { y: "y", x: "value", fill: "stroke", r: 3.5 }),
          Plot.text(data, { y: "y", x: "textX", text: "text", textAnchor: "start", dx: 8, fill: "#333", clip: false }),
        ],
      }),
    };
  });
  const level = options.subtitle ?? "dots: values; bars: bootstrap intervals (ci_low to ci_high)";
  const { svg, height } = frame({
    width: c.width,
    title: c.title,
    subtitle: level,
    legend: runs.length > 1
      ? runs.map((r) => ({ label: options.labels?.[r] ?? r, color: runColor(r), shape: "dot" }))
      : [],
    panels,
  });
  return new Chart(svg, { kind: "intervalChart", width: c.width, height, title: c.title });
}
