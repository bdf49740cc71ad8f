/**
 * `lrSchedule`: the learning rate by step, from the `lr` rows a training run
 * writes or from a plain array of rates.
 *
 * @module
 */
import { Chart } from "./chart.ts";
import {
  type ChartOptions,
  color,
  common,
  field,
  formatNumber,
  frame,
  linePanel,
  type MetricRow,
  requireFinite,
  requireRows,
  type Rows,
} from "./_common.ts";

/** Options of {@linkcode lrSchedule}. */
export interface LrScheduleOptions extends ChartOptions {
  /** The metric holding the rate (default `"lr"`), when rows carry `metric`. */
  metric?: string;
  /** For an array of rates: the step of the first one (default 1, as training logs them). */
  firstStep?: number;
  /** Log scale on the y axis (default false). */
  logY?: boolean;
}

const ACTION = "learning-rate schedule";

/**
 * Draws the learning rate by step, with the peak and the last rate in the
 * subtitle. Takes metric rows (those of metric `lr`, split `train` when the
 * rows carry a split) or an array of rates, one per step. Default title
 * "Learning-rate schedule", height 240.
 *
 * @example
 * ```ts
 * import { lrSchedule } from "./mod.ts";
 * const warmup = 10, total = 100, peak = 2e-3;
 * const rates = Array.from({ length: total }, (_, i) =>
 *   i < warmup ? peak * (i + 1) / warmup : peak * 0.5 * (1 + Math.cos(Math.PI * (i - warmup) / (total - warmup)))
 * );
 * const chart = lrSchedule(rates);
 * ```
 */
export function lrSchedule(data: Rows<MetricRow> | readonly number[], options: LrScheduleOptions = {}): Chart {
  const metric = options.metric ?? "lr";
  const c = common(options, { title: "Learning-rate schedule", height: 240 });
  let points: { x: number; y: number }[];
  const rates = Array.isArray(data) && data.length > 0 && data.every((v) => typeof v === "number");
  if (rates) {
    const first = options.firstStep ?? 1;
    points = (data as number[]).map((y, i) => ({ x: first + i, y }));
  } else {
    const rows = requireRows(ACTION, data, `metric rows of "${metric}" with step and value, or an array of rates`);
    points = [];
    rows.forEach((r, i) => {
      if ("metric" in r && field(ACTION, r, i, "metric", "string") !== metric) return;
      if ("split" in r && field(ACTION, r, i, "split", "string") !== "train") return;
      points.push({ x: field(ACTION, r, i, "step", "number"), y: field(ACTION, r, i, "value", "number?") ?? NaN });
    });
    if (points.length === 0) throw new TypeError(`Cannot plot ${ACTION}: no rows of metric "${metric}"`);
    points.sort((a, b) => a.x - b.x);
  }
  requireFinite(ACTION, points.map((p) => p.y), "value", {
    of: rates ? "of the array of rates" : `of metric "${metric}"`,
    ...(options.logY ? { logY: true } : {}),
  });
  const finite = points.filter((p) => Number.isFinite(p.y));
  const peak = finite.reduce((a, b) => (b.y > a.y ? b : a), finite[0] ?? { x: 0, y: NaN });
  const last = finite.at(-1);
  const subtitle = options.subtitle ??
    (last ? `peak ${formatNumber(peak.y)} at step ${peak.x}, last ${formatNumber(last.y)} at step ${last.x}` : "");
  const panel = linePanel([{ label: metric, color: color(0), points }], {
    width: c.width,
    height: c.height,
    xLabel: "step",
    yLabel: `learning rate${options.logY ? " (log scale)" : ""}`,
    yFormat: (v: number) => (v === 0 ? "0" : Number(v.toPrecision(3)).toExponential()),
    ...(options.logY ? { logY: true } : {}),
  });
  const { svg, height } = frame({
    width: c.width,
    title: c.title,
    subtitle,
    panels: [{ svg: panel, height: c.height }],
  });
  return new Chart(svg, { kind: "lrSchedule", width: c.width, height, title: c.title });
}
