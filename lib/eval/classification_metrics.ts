/**
 * Classification metrics, defined as scikit-learn defines them (the test
 * fixtures were computed with scikit-learn): accuracy, precision, recall and
 * F1 (binary, macro, micro, weighted; zero division counts as 0), the
 * confusion matrix, ROC AUC, log loss, and expected calibration error.
 *
 * @module
 */
import { checkLengths, mean, type Metric, type MetricInputs } from "./metric.ts";

type Label = string | number | boolean;

function key(v: unknown): string {
  return typeof v === "string" ? `s:${v}` : `v:${String(v)}`;
}

/** The sorted distinct labels of the references and predictions (numbers numerically). */
export function labelsOf(...lists: readonly unknown[][]): Label[] {
  const seen = new Map<string, Label>();
  for (const list of lists) for (const v of list) seen.set(key(v), v as Label);
  const all = [...seen.values()];
  return all.every((v) => typeof v === "number")
    ? (all as number[]).sort((a, b) => a - b)
    : all.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

type Average = "binary" | "macro" | "micro" | "weighted";

function prf(inputs: MetricInputs, which: "precision" | "recall" | "f1"): number {
  const n = checkLengths(which, inputs);
  const average = (inputs.average ?? "binary") as Average;
  if (!["binary", "macro", "micro", "weighted"].includes(average)) {
    throw new RangeError(
      `Cannot compute ${which}: average must be binary, macro, micro or weighted (got ${JSON.stringify(average)})`,
    );
  }
  const { predictions: p, references: r } = inputs;
  let labels = labelsOf(r as unknown[], p as unknown[]);
  if (average === "binary") {
    const pos = inputs.pos_label ?? 1;
    if (labels.length > 2) {
      throw new RangeError(
        `Cannot compute ${which}: average "binary" needs 2 classes (found ${labels.length}: ${
          labels.slice(0, 5).join(", ")
        }); use macro, micro or weighted`,
      );
    }
    if (!labels.some((l) => key(l) === key(pos)) && labels.length === 2) {
      throw new RangeError(
        `Cannot compute ${which}: pos_label ${JSON.stringify(pos)} is not one of the labels (${labels.join(", ")})`,
      );
    }
    labels = [pos as Label];
  }
  const stats = labels.map((l) => {
    const k = key(l);
    let tp = 0, fp = 0, fn = 0, support = 0;
    for (let i = 0; i < n; i++) {
      const pi = key(p[i]) === k, ri = key(r[i]) === k;
      if (ri) support++;
      if (pi && ri) tp++;
      else if (pi) fp++;
      else if (ri) fn++;
    }
    return { tp, fp, fn, support };
  });
  const score = (tp: number, fp: number, fn: number) => {
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    if (which === "precision") return precision;
    if (which === "recall") return recall;
    return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  };
  if (average === "micro") {
    const s = stats.reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, support: 0 }));
    return score(s.tp, s.fp, s.fn);
  }
  const per = stats.map((s) => score(s.tp, s.fp, s.fn));
  if (average === "weighted") {
    const total = stats.reduce((a, s) => a + s.support, 0);
    return total === 0 ? 0 : per.reduce((a, v, i) => a + v * stats[i]!.support, 0) / total;
  }
  return mean(per);
}

/** Binary scores as P(positive) for each example, and whether each reference is positive. */
function binaryScores(metric: string, inputs: MetricInputs): { s: number[]; y: boolean[] } {
  checkLengths(metric, inputs, true);
  const labels = labelsOf(inputs.references as unknown[]);
  if (labels.length < 2) {
    throw new RangeError(
      `Cannot compute ${metric}: it is undefined when the references hold one class only (${labels[0]})`,
    );
  }
  if (labels.length > 2) throw new RangeError(`Cannot compute ${metric}: expected 2 classes (found ${labels.length})`);
  const pos = key(inputs.pos_label ?? labels[1]);
  const s = (inputs.scores as (number | number[])[]).map((v, i) => {
    if (Array.isArray(v)) {
      throw new TypeError(`Cannot compute ${metric}: score ${i} is a row; binary scores are one number each`);
    }
    return v as number;
  });
  return { s, y: inputs.references.map((r) => key(r) === pos) };
}

function rocAuc(inputs: MetricInputs): number {
  const { s, y } = binaryScores("roc_auc", inputs);
  // Mann-Whitney U with average ranks for ties: equal to the area under the ROC curve.
  const order = s.map((_, i) => i).sort((a, b) => s[a]! - s[b]!);
  const ranks = new Array<number>(s.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && s[order[j + 1]!] === s[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = avg;
    i = j + 1;
  }
  let nPos = 0, rankSum = 0;
  y.forEach((pos, i) => {
    if (pos) {
      nPos++;
      rankSum += ranks[i]!;
    }
  });
  const nNeg = y.length - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Probability rows (one column per label in `labels` order) from binary or row scores. */
function probabilityRows(metric: string, inputs: MetricInputs): { rows: number[][]; labels: Label[] } {
  checkLengths(metric, inputs, true);
  const scores = inputs.scores as (number | number[])[];
  let labels = (inputs.labels as Label[] | undefined) ?? labelsOf(inputs.references as unknown[]);
  const rows = scores.map((v) => (Array.isArray(v) ? [...v] : [1 - (v as number), v as number]));
  if (!Array.isArray(scores[0]) && labels.length === 1) labels = [...labels, "__other__"];
  for (const [i, row] of rows.entries()) {
    if (row.length !== labels.length) {
      throw new RangeError(
        `Cannot compute ${metric}: score row ${i} has ${row.length} columns for ${labels.length} labels`,
      );
    }
    if (row.some((p) => p < 0)) {
      throw new RangeError(`Cannot compute ${metric}: score row ${i} has a negative probability`);
    }
  }
  const index = new Map(labels.map((l, i) => [key(l), i]));
  inputs.references.forEach((r, i) => {
    if (!index.has(key(r))) {
      throw new RangeError(
        `Cannot compute ${metric}: reference ${i} (${JSON.stringify(r)}) is not one of the labels (${
          labels.join(", ")
        })`,
      );
    }
  });
  return { rows, labels };
}

function logLoss(inputs: MetricInputs): number {
  const { rows, labels } = probabilityRows("log_loss", inputs);
  const eps = (inputs.eps as number | undefined) ?? 1e-15;
  const index = new Map(labels.map((l, i) => [key(l), i]));
  let total = 0;
  rows.forEach((row, i) => {
    const clipped = row.map((p) => Math.min(Math.max(p, eps), 1 - eps));
    const sum = clipped.reduce((a, b) => a + b, 0);
    total -= Math.log(clipped[index.get(key(inputs.references[i]))!]! / sum);
  });
  return total / rows.length;
}

function ece(inputs: MetricInputs): number {
  const { rows, labels } = probabilityRows("ece", inputs);
  const bins = (inputs.n_bins as number | undefined) ?? 10;
  const conf = new Float64Array(bins), acc = new Float64Array(bins), count = new Float64Array(bins);
  rows.forEach((row, i) => {
    let best = 0;
    for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
    const p = row[best]!;
    // Bins (k/n, (k+1)/n]; a confidence of 0 goes to the first.
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    conf[b]! += p;
    acc[b]! += key(labels[best]) === key(inputs.references[i]) ? 1 : 0;
    count[b]!++;
  });
  let e = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) e += Math.abs(acc[b]! - conf[b]!) / rows.length;
  return e;
}

function correct(inputs: MetricInputs): number[] {
  checkLengths("accuracy", inputs);
  return inputs.predictions.map((p, i) => (key(p) === key(inputs.references[i]) ? 1 : 0));
}

const SK = "scikit-learn 1.2 (sklearn.metrics)";

/** The classification metrics. */
export const CLASSIFICATION_METRICS: Metric[] = [
  {
    name: "accuracy",
    description: "Share of predictions equal to the reference",
    kind: "per-example",
    higherIsBetter: true,
    reference: `${SK} accuracy_score`,
    perExample: correct,
    compute: (i) => mean(correct(i)),
  },
  ...(["precision", "recall", "f1"] as const).map((which): Metric => ({
    name: which,
    description: `${
      which === "f1" ? "F1" : which[0]!.toUpperCase() + which.slice(1)
    } (option average: binary, macro, micro, weighted; pos_label)`,
    kind: "corpus",
    higherIsBetter: true,
    reference: `${SK} ${which === "f1" ? "f1_score" : `${which}_score`} with zero_division=0`,
    compute: (i) => prf(i, which),
  })),
  {
    name: "confusion_matrix",
    description: "Counts of (reference, prediction) pairs: {labels, matrix} with rows = references",
    kind: "corpus",
    higherIsBetter: true,
    reference: `${SK} confusion_matrix`,
    compute: (inputs) => {
      const n = checkLengths("confusion_matrix", inputs);
      const labels = (inputs.labels as Label[] | undefined) ??
        labelsOf(inputs.references as unknown[], inputs.predictions as unknown[]);
      const index = new Map(labels.map((l, i) => [key(l), i]));
      const matrix = labels.map(() => labels.map(() => 0));
      for (let i = 0; i < n; i++) {
        const r = index.get(key(inputs.references[i])), p = index.get(key(inputs.predictions[i]));
        if (r !== undefined && p !== undefined) matrix[r]![p]!++;
      }
      return { labels, matrix };
    },
  },
  {
    name: "roc_auc",
    description: "Area under the ROC curve of binary scores (P(positive) per example)",
    kind: "corpus",
    higherIsBetter: true,
    reference: `${SK} roc_auc_score`,
    compute: rocAuc,
  },
  {
    name: "log_loss",
    description: "Mean negative log-probability of the reference (scores: P(positive) or a probability row)",
    kind: "corpus",
    higherIsBetter: false,
    reference: `${SK} log_loss (probabilities clipped to [1e-15, 1 - 1e-15], rows renormalised)`,
    compute: logLoss,
  },
  {
    name: "ece",
    description: "Expected calibration error: confidence vs accuracy over n_bins (10) equal-width bins",
    kind: "corpus",
    higherIsBetter: false,
    reference: "Guo et al. 2017, 'On Calibration of Modern Neural Networks', eq. 3; bins (k/n, (k+1)/n]",
    compute: ece,
  },
];
