/**
 * `lossCurves`: train vs val loss by step for one run (or a few), from the
 * rows of `metrics.ndjson` or the `metrics` view.
 *
 * @module
 */
import { Chart } from "./chart.ts";
import {
  type ChartOptions,
  color,
  common,
  distinct,
  EMA_DEFAULT,
  field,
  frame,
  linePanel,
  type MetricRow,
  requireFinite,
  requireRows,
  type Rows,
  type Series,
} from "./_common.ts";

/** Options of {@linkcode lossCurves}. */
export interface LossCurvesOptions extends ChartOptions {
  /** The metric to draw (default `"loss"`); rows of other metrics are left out. */
  metric?: string;
  /** The splits to draw, in legend order (default: those present, `train`, `val`, `train_eval` first). */
  splits?: string[];
  /**
   * EMA smoothing weight in [0, 1), TensorBoard-style (default 0.6; 0 = off).
   * Applies to the splits in `smoothSplits`; the raw line stays, faint.
   */
  smoothing?: number;
  /** Which splits are smoothed (default `["train"]`: val points are few and already averaged). */
  smoothSplits?: string[];
  /** Log scale on the y axis (default false); values <= 0 are left out. */
  logY?: boolean;
}

const ACTION = "loss curves";
const SPLIT_ORDER = ["train", "val", "train_eval"];

/**
 * Draws a metric (loss by default) by step, one line per split: the
 * smoothed splits as a faint raw line under its EMA, the others as lines
 * with a dot per point. Several runs in the rows give one line per run and
 * split. Default title "Loss curves" (or "METRIC by step"), height 320.
 *
 * Throws a TypeError naming the row and field when a row lacks `step`,
 * `split` or `value`, when no row has the metric, and when no value of it
 * is finite (all null or NaN; with `logY`, none positive).
 *
 * @example
 * ```ts
 * import { lossCurves } from "./mod.ts";
 * const rows = Array.from({ length: 50 }, (_, i) => ({ step: i + 1, split: "train", metric: "loss", value: 4 / (i + 1) }));
 * rows.push({ step: 50, split: "val", metric: "loss", value: 0.2 });
 * const chart = lossCurves(rows, { logY: true, title: "gpt-nano" });
 * ```
 */
export function lossCurves(rows: Rows<MetricRow>, options: LossCurvesOptions = {}): Chart {
  const metric = options.metric ?? "loss";
  const c = common(options, { title: metric === "loss" ? "Loss curves" : `${metric} by step` });
  const checked = requireRows(ACTION, rows, "metric rows with step, split, metric and value");
  const points: { run: string; split: string; x: number; y: number }[] = [];
  const metrics = new Set<string>();
  checked.forEach((r, i) => {
    if ("metric" in r) {
      const m = field(ACTION, r, i, "metric", "string");
      metrics.add(m);
      if (m !== metric) return;
    }
    const x = field(ACTION, r, i, "step", "number");
    const split = field(ACTION, r, i, "split", "string");
    const y = field(ACTION, r, i, "value", "number?");
    const run = "run_id" in r ? String(r.run_id) : "";
    points.push({ run, split, x, y: y ?? NaN });
  });
  if (points.length === 0) {
    throw new TypeError(
      `Cannot plot ${ACTION}: no rows of metric "${metric}" (metrics present: ${[...metrics].join(", ")})`,
    );
  }
  const present = distinct(points.map((p) => p.split));
  const splits = options.splits ??
    [...SPLIT_ORDER.filter((s) => present.includes(s)), ...present.filter((s) => !SPLIT_ORDER.includes(s))];
  const runs = distinct(points.map((p) => p.run));
  const smoothing = options.smoothing ?? EMA_DEFAULT;
  const smoothSplits = options.smoothSplits ?? ["train"];
  const series: Series[] = [];
  for (const run of runs) {
    for (const split of splits) {
      const pts = points.filter((p) => p.run === run && p.split === split).sort((a, b) => a.x - b.x);
      if (pts.length === 0) continue;
      const smoothed = smoothing > 0 && smoothSplits.includes(split);
      series.push({
        label: runs.length > 1 ? `${run} ${split}` : split,
        color: color(series.length),
        points: pts,
        ...(smoothed ? { smoothing } : {}),
        dots: !smoothed && pts.length <= 60,
      });
    }
  }
  if (series.length === 0) {
    throw new TypeError(
      `Cannot plot ${ACTION}: no rows of splits ${splits.join(", ")} (present: ${present.join(", ")})`,
    );
  }
  requireFinite(ACTION, series.flatMap((s) => s.points.map((p) => p.y)), "value", {
    of: `of metric "${metric}"`,
    ...(options.logY ? { logY: true } : {}),
  });
  const smoothedNames = splits.filter((s) => smoothing > 0 && smoothSplits.includes(s) && present.includes(s));
  const subtitle = options.subtitle ??
    (smoothedNames.length ? `${smoothedNames.join(", ")}: EMA smoothing ${smoothing} (faint line: raw values)` : "");
  const panel = linePanel(series, {
    width: c.width,
    height: c.height,
    xLabel: "step",
    yLabel: options.logY ? `${metric} (log scale)` : metric,
    ...(options.logY ? { logY: true } : {}),
  });
  const { svg, height } = frame({
    width: c.width,
    title: c.title,
    subtitle,
    legend: series.map((s) => ({ label: s.label, color: s.color, shape: s.dots ? "dot" : "line" })),
    panels: [{ svg: panel, height: c.height }],
  });
  return new Chart(svg, { kind: "lossCurves", width: c.width, height, title: c.title });
}
