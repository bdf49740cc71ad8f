/**
 * `tokenLengthHistogram`: how long sequences are in tokens, for one set of
 * lengths or several (train vs val) overlaid.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { Chart } from "./chart.ts";
import { type ChartOptions, color, common, formatNumber, frame, plotPanel } from "./_common.ts";

/** Options of {@linkcode tokenLengthHistogram}. */
export interface TokenLengthHistogramOptions extends ChartOptions {
  /** About how many bins (default 30; Plot picks round bin edges near it). */
  bins?: number;
  /** A context length to mark with a rule and count the longer sequences against (default none). */
  contextLength?: number;
  /** Log scale on the count axis (default false). */
  logY?: boolean;
}

const ACTION = "token length histogram";

/**
 * Draws a histogram of token lengths: `lengths` is an array (one group) or
 * an object of arrays by group name (overlaid, half transparent). The
 * subtitle gives the count, median, 95th percentile and maximum (of the
 * first group), and how many exceed `contextLength`. Default title "Token
 * lengths", height 280.
 *
 * @example
 * ```ts
 * import { tokenLengthHistogram } from "./mod.ts";
 * const lengths = Array.from({ length: 500 }, (_, i) => 20 + ((i * 37) % 200));
 * const chart = tokenLengthHistogram({ train: lengths, val: lengths.slice(0, 100) }, { contextLength: 128 });
 * ```
 */
export function tokenLengthHistogram(
  lengths: readonly number[] | Record<string, readonly number[]>,
  options: TokenLengthHistogramOptions = {},
): Chart {
  const c = common(options, { title: "Token lengths", height: 280 });
  if (lengths === null || typeof lengths !== "object") {
    throw new TypeError(`Cannot plot ${ACTION}: expected an array of lengths or an object of arrays`);
  }
  const groups: [string, readonly number[]][] = Array.isArray(lengths)
    ? [["lengths", lengths as readonly number[]]]
    : Object.entries(lengths as Record<string, readonly number[]>);
  if (groups.length === 0) throw new TypeError(`Cannot plot ${ACTION}: the series is empty (no groups)`);
  const data: { length: number; group: string }[] = [];
  for (const [group, values] of groups) {
    const where = Array.isArray(lengths) ? "" : ` in group "${group}"`;
    if (!Array.isArray(values)) {
      throw new TypeError(`Cannot plot ${ACTION}: group "${group}" is not an array of lengths`);
    }
    if (values.length === 0) {
      throw new TypeError(`Cannot plot ${ACTION}: the series is empty${where} (expected token lengths)`);
    }
    values.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        throw new TypeError(
          `Cannot plot ${ACTION}: item ${i}${where} is ${JSON.stringify(v)} (expected a length >= 0)`,
        );
      }
      data.push({ length: v, group });
    });
  }
  const [firstName, first] = groups[0]!;
  const sorted = [...first].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const ctx = options.contextLength;
  const over = ctx === undefined ? 0 : sorted.filter((v) => v > ctx).length;
  const subtitle = options.subtitle ??
    `${groups.length > 1 ? `${firstName}: ` : ""}${sorted.length} sequences, median ${formatNumber(q(0.5))}, ` +
      `95th percentile ${formatNumber(q(0.95))}, max ${formatNumber(sorted.at(-1)!)}` +
      (ctx === undefined ? "" : `; ${over} (${formatNumber((100 * over) / sorted.length)}%) longer than ${ctx}`);
  const names = groups.map(([g]) => g);
  const colors = names.map((_, i) => color(i));
  const panel = plotPanel({
    width: c.width,
    height: c.height,
    marginLeft: 56,
    marginRight: 20,
    marginBottom: 36,
    color: { domain: names, range: colors },
    x: { label: "tokens", labelAnchor: "right", labelArrow: "none" },
    y: {
      label: `sequences${options.logY ? " (log scale)" : ""}`,
      labelArrow: "none",
      grid: true,
      ...(options.logY ? { type: "log" as const } : {}),
    },
    marks: [
      Plot.rectY(
        data,
        Plot.binX<Plot.RectYOptions>(
          { y2: "count" },
          {
            x: "length",
            fill: "group",
            fillOpacity: groups.length > 1 ? 0.5 : 0.85,
            thresholds: options.bins ?? 30,
            inset: 0.5,
            ...(options.logY ? { y1: 1 } : {}),
          },
        ),
      ),
      ...(options.logY ? [] : [Plot.ruleY([0])]),
      ...(ctx === undefined ? [] : [
        Plot.ruleX([ctx], { stroke: "#d62728", strokeDasharray: "4,3", strokeWidth: 1.5 }),
        Plot.text([ctx], {
          x: (d: number) => d,
          frameAnchor: "top",
          text: () => `context ${ctx}`,
          dx: 4,
          dy: 4,
          textAnchor: "start",
          fill: "#d62728",
        }),
      ]),
    ],
  });
  const { svg, height } = frame({
    width: c.width,
    title: c.title,
    subtitle,
    legend: groups.length > 1 ? names.map((n, i) => ({ label: n, color: colors[i]!, shape: "square" })) : [],
    panels: [{ svg: panel, height: c.height }],
  });
  return new Chart(svg, { kind: "tokenLengthHistogram", width: c.width, height, title: c.title });
}
