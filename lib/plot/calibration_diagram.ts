/**
 * `calibrationDiagram`: a reliability diagram (accuracy against confidence
 * per bin) with the expected calibration error, from a classifier's
 * `eval/predictions.ndjson` rows.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { Chart } from "./chart.ts";
import {
  type ChartOptions,
  color,
  common,
  field,
  formatNumber,
  frame,
  plotPanel,
  requireRows,
  type Rows,
} from "./_common.ts";

/**
 * One prediction: its top-class `confidence` and whether it was `correct`
 * (or `label` and `prediction`, compared), as in `eval/predictions.ndjson`.
 */
export interface CalibrationRow {
  confidence: number;
  correct?: boolean;
  label?: string | number | boolean;
  prediction?: string | number | boolean;
}

/** Options of {@linkcode calibrationDiagram}. */
export interface CalibrationDiagramOptions extends ChartOptions {
  /** Equal-width confidence bins `(k/n, (k+1)/n]`, as the `ece` metric (default 10). */
  bins?: number;
  /** Draw the examples per bin under the diagram (default true). */
  counts?: boolean;
}

const ACTION = "calibration diagram";

/**
 * Draws accuracy per confidence bin as bars against the diagonal of perfect
 * calibration, the gap to each bin's mean confidence shaded, the examples
 * per bin below, and the ECE (Guo et al. 2017, the same bins as the `ece`
 * metric) in the subtitle. Default title "Calibration", height 300 (+ 110
 * for the counts).
 *
 * @example
 * ```ts
 * import { calibrationDiagram } from "./mod.ts";
 * const rows = Array.from({ length: 200 }, (_, i) => ({ confidence: 0.5 + (i % 50) / 100, correct: i % 3 !== 0 }));
 * const chart = calibrationDiagram(rows, { bins: 5 });
 * ```
 */
export function calibrationDiagram(rows: Rows<CalibrationRow>, options: CalibrationDiagramOptions = {}): Chart {
  const c = common(options, { title: "Calibration", height: 300 });
  const n = options.bins ?? 10;
  if (!(Number.isInteger(n) && n >= 1 && n <= 100)) {
    throw new RangeError(`Cannot plot ${ACTION}: bins must be an integer from 1 to 100 (got ${n})`);
  }
  const checked = requireRows(ACTION, rows, "prediction rows with confidence and correct (or label and prediction)");
  const bins = Array.from({ length: n }, (_, k) => ({ x1: k / n, x2: (k + 1) / n, count: 0, conf: 0, acc: 0 }));
  checked.forEach((r, i) => {
    const conf = field(ACTION, r, i, "confidence", "number");
    if (!(conf >= 0 && conf <= 1)) {
      throw new RangeError(`Cannot plot ${ACTION}: row ${i} field "confidence" must be in [0, 1] (got ${conf})`);
    }
    const ok = "correct" in r
      ? field(ACTION, r, i, "correct", "boolean")
      : field(ACTION, r, i, "label", "label") === field(ACTION, r, i, "prediction", "label");
    const b = bins[Math.min(n - 1, Math.max(0, Math.ceil(conf * n) - 1))]!;
    b.count++;
    b.conf += conf;
    b.acc += ok ? 1 : 0;
  });
  const used = bins.filter((b) => b.count > 0).map((b) => ({ ...b, conf: b.conf / b.count, acc: b.acc / b.count }));
  const total = checked.length;
  const ece = used.reduce((a, b) => a + Math.abs(b.acc - b.conf) * b.count / total, 0);
  const accuracy = used.reduce((a, b) => a + b.acc * b.count, 0) / total;
  const subtitle = options.subtitle ??
    `ECE ${formatNumber(ece)} (${n} bins), accuracy ${formatNumber(accuracy)}, ${total} examples`;
  const blue = color(0), red = color(2);
  const main = plotPanel({
    width: c.width,
    height: c.height,
    marginLeft: 56,
    marginRight: 20,
    marginBottom: options.counts === false ? 36 : 20,
    grid: true,
    x: {
      domain: [0, 1],
      label: options.counts === false ? "confidence" : null,
      axis: options.counts === false ? "bottom" : null,
    },
    y: { domain: [0, 1], label: "accuracy", labelArrow: "none" },
    marks: [
      Plot.rect(used, { x1: "x1", x2: "x2", y1: 0, y2: "acc", fill: blue, fillOpacity: 0.85, inset: 1 }),
      // The gap as a narrow bar in the middle of the bin, over the accuracy bar.
      Plot.rect(used, {
        x1: (b: { x1: number; x2: number }) => b.x1 + (b.x2 - b.x1) * 0.3,
        x2: (b: { x1: number; x2: number }) => b.x2 - (b.x2 - b.x1) * 0.3,
        y1: "acc",
        y2: "conf",
        fill: red,
        fillOpacity: 0.8,
      }),
      Plot.line([[0, 0], [1, 1]], { stroke: "#666", strokeDasharray: "4,3" }),
      Plot.dot(used, { x: "conf", y: "acc", fill: "black", r: 2.5 }),
    ],
  });
  const panels = [{ svg: main, height: c.height }];
  if (options.counts !== false) {
    const h = 110;
    panels.push({
      height: h,
      svg: plotPanel({
        width: c.width,
        height: h,
        marginLeft: 56,
        marginRight: 20,
        marginTop: 24,
        marginBottom: 36,
        x: { domain: [0, 1], label: "confidence", labelAnchor: "right", labelArrow: "none" },
        y: { label: "examples", labelArrow: "none", ticks: 2, nice: true },
        marks: [
          Plot.rect(used, { x1: "x1", x2: "x2", y1: 0, y2: "count", fill: "#9498a0", inset: 1 }),
          Plot.ruleY([0]),
        ],
      }),
    });
  }
  const { svg, height } = frame({
    width: c.width,
    title: c.title,
    subtitle,
    legend: [
      { label: "accuracy per bin", color: blue, shape: "square" },
      { label: "gap to mean confidence", color: red, shape: "square" },
      { label: "perfect calibration", color: "#666", shape: "dashed" },
    ],
    panels,
  });
  return new Chart(svg, { kind: "calibrationDiagram", width: c.width, height, title: c.title });
}
