/**
 * `confusionMatrix`: counts (or shares) of references against predictions,
 * from the `confusion_matrix` metric's `{labels, matrix}` or from prediction
 * rows (`eval/predictions.ndjson`: `{label, prediction}`).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { Chart } from "./chart.ts";
import { type ChartOptions, common, field, formatNumber, frame, plotPanel, requireRows, type Rows } from "./_common.ts";

/** A label: what a classifier predicts. */
type Label = string | number | boolean;

/** The `confusion_matrix` metric's result: `matrix[i][j]` counts reference `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrixData {
  labels: readonly Label[];
  matrix: readonly (readonly number[])[];
}

/** One prediction, as in `eval/predictions.ndjson` of a classifier. */
export interface PredictionRow {
  label: Label;
  prediction: Label;
}

/** Options of {@linkcode confusionMatrix}. */
export interface ConfusionMatrixOptions extends ChartOptions {
  /**
   * What each cell shows (default `"none"`: counts): `"true"` divides by the
   * row (recall per class), `"pred"` by the column (precision), `"all"` by the total,
   * as scikit-learn's `normalize`.
   */
  normalize?: "none" | "true" | "pred" | "all";
  /** The label order (default: the matrix's labels, or the sorted labels of the rows). */
  labels?: Label[];
}

const ACTION = "confusion matrix";

/**
 * Draws a confusion matrix as a heat map, references as rows and
 * predictions as columns, each cell with its count (or share), and the
 * accuracy in the subtitle. Default title "Confusion matrix"; the default
 * size fits the classes (56 px a class, 280 to 640 px wide).
 *
 * @example
 * ```ts
 * import { confusionMatrix } from "./mod.ts";
 * const chart = confusionMatrix({ labels: ["ham", "spam"], matrix: [[50, 3], [5, 42]] }, { normalize: "true" });
 * const fromRows = confusionMatrix([{ label: "a", prediction: "a" }, { label: "b", prediction: "a" }]);
 * ```
 */
export function confusionMatrix(
  data: ConfusionMatrixData | Rows<PredictionRow>,
  options: ConfusionMatrixOptions = {},
): Chart {
  const { labels, matrix } = toMatrix(data, options.labels);
  const k = labels.length;
  const names = labels.map(String);
  const longest = Math.max(...names.map((n) => n.length));
  const marginLeft = Math.min(160, 40 + longest * 6.5);
  const size = Math.min(640, Math.max(280, marginLeft + 20 + k * 56));
  const c = common(options, { title: "Confusion matrix", height: Math.max(200, size - marginLeft + 60) });
  const width = options.width ?? size;
  const mode = options.normalize ?? "none";
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const rowSums = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  const colSums = names.map((_, j) => matrix.reduce((a, r) => a + r[j]!, 0));
  const cells = matrix.flatMap((r, i) =>
    r.map((count, j) => {
      const den = mode === "true" ? rowSums[i]! : mode === "pred" ? colSums[j]! : mode === "all" ? total : 1;
      const v = den === 0 ? 0 : count / den;
      return { ref: names[i]!, pred: names[j]!, v, text: mode === "none" ? String(count) : formatNumber(v) };
    })
  );
  const max = Math.max(...cells.map((d) => d.v), mode === "none" ? 1 : 0);
  const dark = (d: { v: number }) => d.v > max * 0.55;
  const correct = matrix.reduce((a, r, i) => a + r[i]!, 0);
  const subtitle = options.subtitle ??
    `accuracy ${formatNumber(total ? correct / total : 0)} over ${total} examples` +
      (mode === "none"
        ? ""
        : `; normalized over ${mode === "true" ? "references" : mode === "pred" ? "predictions" : "all"}`);
  const fontSize = k > 12 ? 8 : 11;
  const panel = plotPanel({
    width,
    height: c.height,
    marginLeft,
    marginBottom: 44,
    marginTop: 10,
    padding: 0.04,
    x: {
      domain: names,
      label: "predicted",
      labelAnchor: "center",
      labelArrow: "none",
      tickRotate: longest > 8 ? -30 : 0,
    },
    y: { domain: names, label: "reference", labelAnchor: "center", labelArrow: "none" },
    color: { type: "linear", scheme: "blues", domain: [0, max] },
    marks: [
      Plot.cell(cells, { x: "pred", y: "ref", fill: "v", inset: 0.5 }),
      Plot.text(cells.filter(dark), { x: "pred", y: "ref", text: "text", fill: "white", fontSize }),
      Plot.text(cells.filter((d) => !dark(d)), { x: "pred", y: "ref", text: "text", fill: "black", fontSize }),
    ],
  });
  const { svg, height } = frame({ width, title: c.title, subtitle, panels: [{ svg: panel, height: c.height }] });
  return new Chart(svg, { kind: "confusionMatrix", width, height, title: c.title });
}

function toMatrix(
  data: ConfusionMatrixData | Rows<PredictionRow>,
  order: Label[] | undefined,
): { labels: Label[]; matrix: number[][] } {
  if (data !== null && typeof data === "object" && !Array.isArray(data)) {
    const d = data as ConfusionMatrixData;
    if (!Array.isArray(d.labels)) throw new TypeError(`Cannot plot ${ACTION}: the matrix has no field "labels"`);
    if (!Array.isArray(d.matrix)) throw new TypeError(`Cannot plot ${ACTION}: the matrix has no field "matrix"`);
    const k = d.labels.length;
    if (k === 0) throw new TypeError(`Cannot plot ${ACTION}: the series is empty (no labels)`);
    d.matrix.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== k || r.some((v) => typeof v !== "number" || !(v >= 0))) {
        throw new TypeError(`Cannot plot ${ACTION}: matrix row ${i} must hold ${k} counts >= 0`);
      }
    });
    if (d.matrix.length !== k) {
      throw new TypeError(`Cannot plot ${ACTION}: the matrix has ${d.matrix.length} rows for ${k} labels`);
    }
    if (!order) return { labels: [...d.labels], matrix: d.matrix.map((r) => [...r]) };
    const idx = order.map((l) => {
      const i = d.labels.indexOf(l);
      if (i < 0) throw new RangeError(`Cannot plot ${ACTION}: label ${JSON.stringify(l)} is not in the matrix`);
      return i;
    });
    return { labels: order, matrix: idx.map((i) => idx.map((j) => d.matrix[i]![j]!)) };
  }
  const rows = requireRows(ACTION, data, "prediction rows with label and prediction, or {labels, matrix}");
  const pairs = rows.map((r, i) => [field(ACTION, r, i, "label", "label"), field(ACTION, r, i, "prediction", "label")]);
  const labels = order ??
    [...new Set(pairs.flat())].sort((a, b) =>
      typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b))
    );
  const matrix = labels.map(() => labels.map(() => 0));
  pairs.forEach(([l, p], i) => {
    const a = labels.indexOf(l!), b = labels.indexOf(p!);
    if (a < 0 || b < 0) {
      throw new RangeError(`Cannot plot ${ACTION}: row ${i} has label ${JSON.stringify(a < 0 ? l : p)} not in labels`);
    }
    matrix[a]![b]!++;
  });
  return { labels, matrix };
}
