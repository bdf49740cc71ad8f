/**
 * Shared by the charts: the options every chart takes, input checks that
 * name the missing field, EMA smoothing, the palette, Plot on a linkedom
 * document, and the frame (title, legend, panels) that makes one standalone
 * SVG.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

export type { ChartOptions, MetricRow, Rows } from "./chart_options.ts";
export { EMA_DEFAULT, emaSmooth } from "./ema_smooth.ts";
import type { ChartOptions } from "./chart_options.ts";
import { emaSmooth } from "./ema_smooth.ts";

/** Observable Plot's `observable10` palette, fixed so the SVG legend matches the marks. */
export const PALETTE = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#9498a0",
];

/** The color of the `i`-th series. */
export function color(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Reads a chart's common options with its defaults. */
export function common(
  options: ChartOptions,
  defaults: { title: string; height?: number; subtitle?: string },
): { width: number; height: number; title: string; subtitle: string } {
  const width = options.width ?? 640;
  const height = options.height ?? defaults.height ?? 320;
  for (const [name, v] of [["width", width], ["height", height]] as const) {
    if (!(Number.isFinite(v) && v >= 80 && v <= 10000)) {
      throw new RangeError(`Cannot plot chart: ${name} must be a number of pixels from 80 to 10000 (got ${v})`);
    }
  }
  return {
    width,
    height,
    title: options.title ?? defaults.title,
    subtitle: options.subtitle ?? defaults.subtitle ?? "",
  };
}

// ---------------------------------------------------------------------------
// Input checks

/** The rows of `data`, or a TypeError naming what was expected. */
export function requireRows(action: string, data: unknown, expected: string): readonly Record<string, unknown>[] {
  if (!Array.isArray(data)) {
    throw new TypeError(`Cannot plot ${action}: expected an array of ${expected} (got ${describe(data)})`);
  }
  if (data.length === 0) throw new TypeError(`Cannot plot ${action}: the series is empty (expected ${expected})`);
  data.forEach((r, i) => {
    if (r === null || typeof r !== "object") {
      throw new TypeError(`Cannot plot ${action}: row ${i} is ${describe(r)} (expected an object)`);
    }
  });
  return data as readonly Record<string, unknown>[];
}

type FieldKind = "number" | "number?" | "string" | "label" | "boolean";

const EXPECTED: Record<FieldKind, string> = {
  number: "a number",
  "number?": "a number or null",
  string: "a string",
  label: "a string, number or boolean",
  boolean: "a boolean",
};

/**
 * Field `name` of row `i`: a TypeError "Cannot plot ACTION: row I has no
 * field "NAME" (expected a number)" when it is missing or of another type.
 * Numbers may arrive as `bigint` (DuckDB BIGINT) and are converted.
 */
export function field(action: string, row: Record<string, unknown>, i: number, name: string, kind: "number"): number;
export function field(
  action: string,
  row: Record<string, unknown>,
  i: number,
  name: string,
  kind: "number?",
): number | null;
export function field(action: string, row: Record<string, unknown>, i: number, name: string, kind: "string"): string;
export function field(
  action: string,
  row: Record<string, unknown>,
  i: number,
  name: string,
  kind: "label",
): string | number | boolean;
export function field(action: string, row: Record<string, unknown>, i: number, name: string, kind: "boolean"): boolean;
export function field(action: string, row: Record<string, unknown>, i: number, name: string, kind: FieldKind): unknown {
  if (!(name in row) || row[name] === undefined) {
    throw new TypeError(`Cannot plot ${action}: row ${i} has no field "${name}" (expected ${EXPECTED[kind]})`);
  }
  let v = row[name];
  if (typeof v === "bigint") v = Number(v);
  const ok = kind === "number"
    ? typeof v === "number"
    : kind === "number?"
    ? typeof v === "number" || v === null
    : kind === "label"
    ? typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    : kind === "string"
    ? typeof v === "string"
    : typeof v === "boolean";
  if (!ok) {
    throw new TypeError(
      `Cannot plot ${action}: row ${i} field "${name}" is ${describe(v)} (expected ${EXPECTED[kind]})`,
    );
  }
  return v;
}

/**
 * Throws a TypeError when none of `values` (field `name` of the rows drawn)
 * is finite, or, with `logY`, none is positive: the chart would be empty.
 * `of` says which rows, e.g. `of metric "loss"`.
 */
export function requireFinite(
  action: string,
  values: readonly number[],
  name: string,
  options: { of?: string; logY?: boolean } = {},
): void {
  const finite = values.filter((v) => Number.isFinite(v));
  const of = options.of ? ` ${options.of}` : "";
  const all = (k: number, what: string) => (k === 1 ? `the only ${what}${of} is` : `all ${k} ${what}s${of} are`);
  if (finite.length === 0) {
    const kinds = values.some((v) => v === Infinity || v === -Infinity) ? "null, NaN or infinite" : "null or NaN";
    throw new TypeError(
      `Cannot plot ${action}: no finite values in field "${name}" (${all(values.length, "row")} ${kinds})`,
    );
  }
  if (options.logY && !finite.some((v) => v > 0)) {
    throw new TypeError(
      `Cannot plot ${action}: no positive values in field "${name}" for the log scale (${
        all(finite.length, "finite value")
      } <= 0)`,
    );
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 20 ? v.slice(0, 20) + "..." : v)})`;
  return `${typeof v === "object" ? "an" : "a"} ${typeof v}`;
}

/** The distinct values of `values`, in order of first appearance. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------
// Plot outside a browser

let doc: unknown = null;

/** Renders Plot options to the SVG markup of one panel (on a shared linkedom document). */
export function plotPanel(options: Plot.PlotOptions): string {
  doc ??= (parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: unknown }).document;
  const el = Plot.plot({
    style: { background: "transparent" },
    ...options,
    document: doc as Plot.PlotOptions["document"],
  }) as unknown as { outerHTML: string; tagName: string };
  if (el.tagName.toLowerCase() !== "svg") {
    throw new TypeError("Cannot plot chart: Plot returned a figure, not an SVG (use the chart's own title and legend)");
  }
  return el.outerHTML;
}

/** Escapes text for SVG or HTML. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

// ---------------------------------------------------------------------------
// The frame: title, subtitle, legend and panels in one standalone SVG

/** One legend entry. */
export interface LegendItem {
  label: string;
  color: string;
  /** `line` (default), `dashed`, `dot` or `square`. */
  shape?: "line" | "dashed" | "dot" | "square";
}

/** One panel of a frame: the SVG markup Plot made, and its height. */
export interface Panel {
  svg: string;
  height: number;
}

/** The font stack in the SVG; the PNG renderer maps it to DejaVu Sans. */
export const FONT_FAMILY = "system-ui, sans-serif";

const CHAR_WIDTH = 0.62; // of the font size, an estimate for laying out legends

/** Composes a standalone SVG (white background, `xmlns`) from a title, a legend and stacked panels. */
export function frame(
  o: { width: number; title: string; subtitle: string; legend?: LegendItem[]; panels: Panel[] },
): { svg: string; height: number } {
  const parts: string[] = [];
  let y = 0;
  if (o.title) {
    y += 24;
    parts.push(`<text x="12" y="${y - 4}" font-size="15" font-weight="bold">${escapeXml(o.title)}</text>`);
  }
  if (o.subtitle) {
    y += 18;
    parts.push(`<text x="12" y="${y - 4}" font-size="11" fill="#555">${escapeXml(o.subtitle)}</text>`);
  }
  if (o.legend?.length) {
    y += 6;
    let x = 12;
    const rowH = 16;
    let rowY = y + 11;
    for (const item of o.legend) {
      const w = 22 + Math.ceil(item.label.length * 11 * CHAR_WIDTH) + 14;
      if (x + w > o.width - 8 && x > 12) {
        x = 12;
        rowY += rowH;
      }
      parts.push(legendSwatch(item, x, rowY - 4));
      parts.push(`<text x="${x + 22}" y="${rowY}" font-size="11">${escapeXml(item.label)}</text>`);
      x += w;
    }
    y = rowY + 6;
  }
  if (y > 0) y += 4;
  const ids = new Map<string, string>();
  o.panels.forEach((p) => {
    parts.push(inline(p.svg, y, ids));
    y += p.height;
  });
  const height = Math.ceil(y);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${height}" ` +
    `viewBox="0 0 ${o.width} ${height}" font-family="${FONT_FAMILY}" font-size="10" fill="currentColor" ` +
    `style="background: white; color: black">` +
    `<rect x="0" y="0" width="${o.width}" height="${height}" fill="white"/>` +
    parts.join("") + `</svg>`;
  return { svg, height };
}

function legendSwatch(item: LegendItem, x: number, cy: number): string {
  const c = escapeXml(item.color);
  switch (item.shape ?? "line") {
    case "dot":
      return `<circle cx="${x + 9}" cy="${cy}" r="3.5" fill="${c}"/>`;
    case "square":
      return `<rect x="${x + 3}" y="${cy - 6}" width="12" height="12" fill="${c}"/>`;
    case "dashed":
      return `<line x1="${x}" x2="${
        x + 18
      }" y1="${cy}" y2="${cy}" stroke="${c}" stroke-width="2" stroke-dasharray="4,3"/>`;
    default:
      return `<line x1="${x}" x2="${x + 18}" y1="${cy}" y2="${cy}" stroke="${c}" stroke-width="2"/>`;
  }
}

/**
 * A Plot `<svg>` as a `<g>` moved down by `y`: the root's presentation
 * attributes move to the group, and Plot's counter-based ids
 * (`plot-clip-12`) are renumbered from 1 within the chart so the markup is
 * the same on every call.
 */
function inline(svg: string, y: number, ids: Map<string, string>): string {
  const m = /^<svg([^>]*)>([\s\S]*)<\/svg>$/.exec(svg);
  if (!m) throw new SyntaxError("Cannot plot chart: Plot's output is not one <svg> element");
  const attrs = [...m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)]
    .filter(([, k]) => !["viewBox", "width", "height", "xmlns", "style"].includes(k!))
    .map(([, k, v]) => ` ${k}="${v}"`).join("");
  const body = m[2]!
    .replace(/plot-(clip|pattern|marker)-\d+/g, (id, kind: string) => {
      if (!ids.has(id)) ids.set(id, `plot-${kind}-${ids.size + 1}`);
      return ids.get(id)!;
    })
    // Coordinates to 0.01 px (in attribute values only: tick labels are text).
    .replace(
      /="([^"]*)"/g,
      (_, v: string) => `="${v.replace(/(\d+\.\d{2})\d+/g, (n) => String(Number(Number(n).toFixed(2))))}"`,
    );
  return `<g transform="translate(0,${y})"${attrs}>${body}</g>`;
}

/** Formats a number for axis ticks and tables: 4 significant digits, no trailing zeros. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return Number(v.toPrecision(3)).toExponential();
  return String(Number(v.toPrecision(4)));
}

// ---------------------------------------------------------------------------
// A panel of lines, shared by the step charts

/** One line of a line panel. */
export interface Series {
  label: string;
  color: string;
  /** Points in x order; non-finite y values are left out. */
  points: { x: number; y: number }[];
  /** EMA weight: draw the raw line faint and the smoothed one over it (default 0: none). */
  smoothing?: number;
  /** Mark each point with a dot (default false). */
  dots?: boolean;
}

/** A Plot panel of lines with grid, axis labels and an optional log y axis. */
export function linePanel(
  series: Series[],
  o: {
    width: number;
    height: number;
    xLabel: string;
    yLabel: string;
    logY?: boolean;
    yFormat?: (v: number) => string;
  },
): string {
  type P = { x: number; y: number; s: string };
  const raw: P[] = [], smooth: P[] = [], dots: P[] = [];
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x) && (!o.logY || p.y > 0));
    const w = s.smoothing ?? 0;
    if (w > 0) {
      const sm = emaSmooth(pts.map((p) => p.y), w);
      pts.forEach((p, i) => {
        raw.push({ ...p, s: s.label });
        smooth.push({ x: p.x, y: sm[i]!, s: s.label });
      });
    } else pts.forEach((p) => smooth.push({ ...p, s: s.label }));
    if (s.dots) pts.forEach((p) => dots.push({ ...p, s: s.label }));
  }
  const colorScale = { domain: series.map((s) => s.label), range: series.map((s) => s.color) };
  return plotPanel({
    width: o.width,
    height: o.height,
    marginLeft: 56,
    marginRight: 20,
    marginBottom: 36,
    grid: true,
    color: colorScale,
    x: { label: o.xLabel, labelAnchor: "right", labelArrow: "none" },
    y: {
      label: o.yLabel,
      labelArrow: "none",
      nice: !o.logY,
      ...(o.logY ? { type: "log" as const } : {}),
      ...(o.yFormat ? { tickFormat: o.yFormat } : {}),
    },
    marks: [
      Plot.line(raw, { x: "x", y: "y", z: "s", stroke: "s", strokeOpacity: 0.25, strokeWidth: 1 }),
      Plot.line(smooth, { x: "x", y: "y", z: "s", stroke: "s", strokeWidth: 1.6 }),
      Plot.dot(dots, { x: "x", y: "y", fill: "s", r: 2.5 }),
    ],
  });
}
