/**
 * `systemUsage`: CPU, memory and load over a run, from `system.ndjson` or
 * the `system` view.
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
  frame,
  plotPanel,
  requireRows,
  type Rows,
} from "./_common.ts";

/** A system sample, as in `system.ndjson` (`ts` may be a `Date`, as DuckDB returns it). */
export interface SystemRow {
  run_id?: string;
  ts: string | Date;
  step: number | bigint;
  cpu_percent?: number;
  rss_bytes?: number | bigint;
  heap_used_bytes?: number | bigint;
  load_avg_1m?: number;
  gpu_util_percent?: number | null;
  gpu_mem_used_bytes?: number | bigint | null;
}

/** The fields {@linkcode systemUsage} can draw. */
export type SystemField =
  | "cpu_percent"
  | "gpu_util_percent"
  | "rss_bytes"
  | "heap_used_bytes"
  | "gpu_mem_used_bytes"
  | "load_avg_1m";

/** Options of {@linkcode systemUsage}. */
export interface SystemUsageOptions extends ChartOptions {
  /** The x axis: seconds since the run's first sample (`"time"`, default) or the training `"step"`. */
  x?: "time" | "step";
  /**
   * The fields to draw (default: CPU %, RSS, JS heap and load average, plus
   * the GPU fields when they hold values). Every row must have the fields
   * asked for here (null is allowed and left out).
   */
  fields?: SystemField[];
}

const ACTION = "system usage";
const PANELS: { label: string; fields: SystemField[]; scale: number }[] = [
  { label: "CPU / GPU %", fields: ["cpu_percent", "gpu_util_percent"], scale: 1 },
  { label: "memory (MiB)", fields: ["rss_bytes", "heap_used_bytes", "gpu_mem_used_bytes"], scale: 1 / 2 ** 20 },
  { label: "load average (1 min)", fields: ["load_avg_1m"], scale: 1 },
];
const NAMES: Record<SystemField, string> = {
  cpu_percent: "CPU %",
  gpu_util_percent: "GPU %",
  rss_bytes: "RSS",
  heap_used_bytes: "JS heap",
  gpu_mem_used_bytes: "GPU memory",
  load_avg_1m: "load 1 min",
};
const REQUIRED: SystemField[] = ["cpu_percent", "rss_bytes", "heap_used_bytes", "load_avg_1m"];
const OPTIONAL: SystemField[] = ["gpu_util_percent", "gpu_mem_used_bytes"];

/**
 * Draws one panel per unit, stacked on a shared x axis: CPU (and GPU)
 * percent, memory in MiB (RSS, JS heap, GPU memory) and the 1-minute load
 * average. Panels whose fields hold no values (no GPU) are left out.
 * Several runs draw a line per run and field. Default title "System
 * usage", 150 px per panel.
 *
 * @example
 * ```ts
 * import { systemUsage } from "./mod.ts";
 * const rows = [0, 2, 4, 6].map((s, i) => ({
 *   ts: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString(), step: i * 10, cpu_percent: 150 + i,
 *   rss_bytes: 6e8 + i * 1e7, heap_used_bytes: 5e7, load_avg_1m: 1.2,
 * }));
 * const chart = systemUsage(rows, { x: "step" });
 * ```
 */
export function systemUsage(rows: Rows<SystemRow>, options: SystemUsageOptions = {}): Chart {
  const c = common(options, { title: "System usage", height: 150 });
  const checked = requireRows(ACTION, rows, "system rows with ts, step, cpu_percent, rss_bytes, ...");
  const xMode = options.x ?? "time";
  const asked = options.fields;
  const fields = asked ?? [...REQUIRED, ...OPTIONAL];
  const runs = distinct(checked.map((r) => String(r.run_id ?? "")));
  const t0 = new Map<string, number>();
  type P = { run: string; f: SystemField; x: number; y: number };
  const points: P[] = [];
  checked.forEach((r, i) => {
    const run = String(r.run_id ?? "");
    let x: number;
    if (xMode === "step") x = field(ACTION, r, i, "step", "number");
    else {
      const ts = r.ts instanceof Date ? r.ts : new Date(field(ACTION, r, i, "ts", "string"));
      if (Number.isNaN(ts.getTime())) {
        throw new TypeError(`Cannot plot ${ACTION}: row ${i} field "ts" is not a date (got ${JSON.stringify(r.ts)})`);
      }
      if (!t0.has(run)) t0.set(run, ts.getTime());
      x = (ts.getTime() - t0.get(run)!) / 1000;
    }
    for (const f of fields) {
      if (!asked && OPTIONAL.includes(f) && (r[f] === undefined || r[f] === null)) continue;
      const v = field(ACTION, r, i, f, "number?");
      if (v !== null && Number.isFinite(v)) points.push({ run, f, x, y: v });
    }
  });
  const legend: { label: string; color: string }[] = [];
  const fieldColor = new Map<SystemField, string>();
  const panels = PANELS.flatMap((p) => {
    const fs = p.fields.filter((f) => fields.includes(f) && points.some((pt) => pt.f === f));
    if (fs.length === 0) return [];
    for (const f of fs) {
      fieldColor.set(f, color(fieldColor.size));
      legend.push({ label: NAMES[f], color: fieldColor.get(f)! });
    }
    return [{ ...p, fields: fs }];
  });
  if (panels.length === 0) throw new TypeError(`Cannot plot ${ACTION}: no values in fields ${fields.join(", ")}`);
  const built = panels.map((p, k) => {
    const last = k === panels.length - 1;
    const data = points.filter((pt) => p.fields.includes(pt.f)).map((pt) => ({
      x: pt.x,
      y: pt.y * p.scale,
      z: `${pt.run} ${pt.f}`,
      stroke: fieldColor.get(pt.f)!,
    }));
    const height = c.height + (last ? 26 : 0);
    return {
      height,
      svg: plotPanel({
        width: c.width,
        height,
        marginLeft: 56,
        marginRight: 20,
        marginTop: 24,
        marginBottom: last ? 34 : 8,
        grid: true,
        x: {
          label: last ? (xMode === "step" ? "step" : "seconds since the first sample") : null,
          labelAnchor: "right",
          labelArrow: "none",
          axis: last ? "bottom" : null,
          domain: [Math.min(...points.map((q) => q.x)), Math.max(...points.map((q) => q.x))],
        },
        y: { label: p.label, labelAnchor: "top", labelArrow: "none", nice: true, ticks: 4, zero: p.scale !== 1 },
        marks: [
          ...(last ? [] : [Plot.gridX({ strokeOpacity: 0.1 })]),
          Plot.line(data, { x: "x", y: "y", z: "z", stroke: "stroke", strokeWidth: 1.4 }),
        ],
      }),
    };
  });
  const sub = options.subtitle ?? (runs.length > 1 ? `${runs.length} runs: ${runs.join(", ")}` : "");
  const { svg, height } = frame({ width: c.width, title: c.title, subtitle: sub, legend, panels: built });
  return new Chart(svg, { kind: "systemUsage", width: c.width, height, title: c.title });
}
