/**
 * Classification metrics, defined as scikit-learn defines them (the test
 * fixtures were computed with scikit-learn): accuracy, precision, recall and
 * F1 (binary, macro, micro, weighted; zero division counts as 0), the
 * confusion matrix, ROC AUC (binary, or one-vs-rest over probability rows),
 * log loss, and expected calibration error.
 *
 * @module
 */
import { _mean, _scoreAll, checkLengths, type Decomposition, type Metric, type MetricInputs } from "./metric.ts";

type Label = string | number | boolean;

/** A label as a map key: strings and other values never collide. */
function key(v: unknown): string {
  return typeof v === "string" ? `s:${v}` : `v:${String(v)}`;
}

/** The sorted distinct labels of the lists (numbers numerically, as NumPy's `unique` sorts them). */
function _labelsOf(metric: string, ...lists: readonly (readonly unknown[])[]): Label[] {
  const seen = new Map<string, Label>();
  for (const list of lists) {
    for (const [i, v] of list.entries()) {
      if (!["string", "number", "boolean"].includes(typeof v)) {
        throw new TypeError(
          `Cannot compute ${metric}: label ${i} is ${JSON.stringify(v)}, not a string, number or boolean`,
        );
      }
      seen.set(key(v), v as Label);
    }
  }
  const all = [...seen.values()];
  return all.every((v) => typeof v === "number")
    ? (all as number[]).sort((a, b) => a - b)
    : all.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

type Average = "binary" | "macro" | "micro" | "weighted";

/** Per label: true positives, false positives, false negatives, one row per example. */
function prfDecompose(which: "precision" | "recall" | "f1", inputs: MetricInputs): Decomposition {
  const n = checkLengths(which, inputs);
  const average = (inputs.average ?? "binary") as Average;
  if (!["binary", "macro", "micro", "weighted"].includes(average)) {
    throw new RangeError(
      `Cannot compute ${which}: average must be binary, macro, micro or weighted (got ${JSON.stringify(average)})`,
    );
  }
  const { predictions: p, references: r } = inputs;
  let labels = _labelsOf(which, r, p);
  if (average === "binary") {
    const pos = inputs.pos_label ?? 1;
    if (labels.length > 2) {
      throw new RangeError(
        `Cannot compute ${which}: average "binary" needs 2 classes (found ${labels.length}: ${
          labels.slice(0, 5).join(", ")
        }); use macro, micro or weighted`,
      );
    }
    if (labels.length === 2 && !labels.some((l) => key(l) === key(pos))) {
      throw new RangeError(
        `Cannot compute ${which}: pos_label ${JSON.stringify(pos)} is not one of the labels (${labels.join(", ")})`,
      );
    }
    labels = [pos as Label];
  }
  const index = new Map(labels.map((l, i) => [key(l), i]));
  const L = labels.length, width = 3 * L;
  const rows = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    const pi = index.get(key(p[i])), ri = index.get(key(r[i]));
    if (pi !== undefined && pi === ri) rows[i * width + 3 * pi]! += 1;
    else {
      if (pi !== undefined) rows[i * width + 3 * pi + 1]! += 1;
      if (ri !== undefined) rows[i * width + 3 * ri + 2]! += 1;
    }
  }
  const part = (tp: number, fp: number, fn: number) => {
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    if (which === "precision") return precision;
    if (which === "recall") return recall;
    return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  };
  return {
    width,
    rows,
    score: (s) => {
      if (average === "micro") {
        let tp = 0, fp = 0, fn = 0;
        for (let k = 0; k < L; k++) [tp, fp, fn] = [tp + s[3 * k]!, fp + s[3 * k + 1]!, fn + s[3 * k + 2]!];
        return part(tp, fp, fn);
      }
      if (average === "binary") return part(s[0]!, s[1]!, s[2]!);
      // Macro and weighted average over the labels present (in the references or the predictions).
      let total = 0, weights = 0;
      for (let k = 0; k < L; k++) {
        const tp = s[3 * k]!, fp = s[3 * k + 1]!, fn = s[3 * k + 2]!;
        if (tp + fp + fn === 0) continue;
        const w = average === "weighted" ? tp + fn : 1;
        total += w * part(tp, fp, fn);
        weights += w;
      }
      return weights === 0 ? 0 : total / weights;
    },
  };
}

/** The positive class's score of each example, from a probability or a two-column row. */
function binaryColumn(metric: string, inputs: MetricInputs, labels: Label[], pos: Label): number[] {
  return inputs.scores!.map((v, i) => {
    if (!Array.isArray(v)) return v as number;
    if (v.length !== 2) {
      throw new RangeError(`Cannot compute ${metric}: score row ${i} has ${v.length} columns for 2 classes`);
    }
    return v[labels.findIndex((l) => key(l) === key(pos))]!;
  });
}

/** Mann-Whitney U with average ranks for ties: the area under the ROC curve of `s` for positives `y`. */
function binaryAuc(s: readonly number[], y: readonly boolean[]): number {
  const order = s.map((_, i) => i).sort((a, b) => s[a]! - s[b]!);
  const ranks = new Float64Array(s.length);
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

function rocAuc(inputs: MetricInputs): number {
  checkLengths("roc_auc", inputs, true);
  const refs = inputs.references;
  const labels = _labelsOf("roc_auc", refs);
  if (labels.length < 2) {
    throw new RangeError(
      `Cannot compute roc_auc: it is undefined when the references hold one class only (${labels[0]})`,
    );
  }
  const first = inputs.scores![0]!;
  if (labels.length === 2 && (!Array.isArray(first) || first.length === 2)) {
    const pos = (inputs.pos_label ?? labels[1]) as Label;
    if (!labels.some((l) => key(l) === key(pos))) {
      throw new RangeError(
        `Cannot compute roc_auc: pos_label ${JSON.stringify(pos)} is not one of the labels (${labels.join(", ")})`,
      );
    }
    return binaryAuc(binaryColumn("roc_auc", inputs, labels, pos), refs.map((r) => key(r) === key(pos)));
  }
  // One-vs-rest over probability rows (scikit-learn's multi_class="ovr"), macro or prevalence-weighted.
  const { rows, labels: classes } = probabilityRows("roc_auc", inputs, labels);
  rows.forEach((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-8 + 1e-5) {
      throw new RangeError(`Cannot compute roc_auc: score row ${i} sums to ${sum}; one-vs-rest needs probabilities`);
    }
  });
  const average = inputs.average ?? "macro";
  if (average !== "macro" && average !== "weighted") {
    throw new RangeError(
      `Cannot compute roc_auc: average must be macro or weighted for several classes (got ${JSON.stringify(average)})`,
    );
  }
  let total = 0;
  classes.forEach((l, c) => {
    const y = refs.map((r) => key(r) === key(l));
    const positives = y.filter(Boolean).length;
    if (positives === 0) {
      throw new RangeError(`Cannot compute roc_auc: class ${JSON.stringify(l)} has no examples in the references`);
    }
    const w = average === "weighted" ? positives / y.length : 1 / classes.length;
    total += w * binaryAuc(rows.map((row) => row[c]!), y);
  });
  return total;
}

/** Probability rows (one column per label in `labels` order) from binary probabilities or rows. */
function probabilityRows(
  metric: string,
  inputs: MetricInputs,
  fallback?: Label[],
): { rows: number[][]; labels: Label[] } {
  checkLengths(metric, inputs, true);
  const scores = inputs.scores!;
  let labels = (inputs.labels as Label[] | undefined) ?? fallback ?? _labelsOf(metric, inputs.references);
  if (!Array.isArray(scores[0]) && labels.length === 1) labels = [...labels, "__other__"];
  const rows = scores.map((v, i) => {
    const row = Array.isArray(v) ? [...v] as number[] : [1 - (v as number), v as number];
    if (row.length !== labels.length) {
      throw new RangeError(
        `Cannot compute ${metric}: score row ${i} has ${row.length} columns for ${labels.length} labels (${
          labels.slice(0, 5).join(", ")
        }); pass the option labels`,
      );
    }
    if (row.some((p) => p < 0)) throw new RangeError(`Cannot compute ${metric}: score row ${i} has a negative value`);
    return row;
  });
  const index = new Set(labels.map(key));
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

/** Per example: the negative log-probability of its reference (clipped, row renormalised). */
function logLosses(inputs: MetricInputs): number[] {
  const { rows, labels } = probabilityRows("log_loss", inputs);
  const eps = (inputs.eps as number | undefined) ?? 1e-15;
  const index = new Map(labels.map((l, i) => [key(l), i]));
  return rows.map((row, i) => {
    const clipped = row.map((p) => Math.min(Math.max(p, eps), 1 - eps));
    const sum = clipped.reduce((a, b) => a + b, 0);
    return -Math.log(clipped[index.get(key(inputs.references[i]))!]! / sum);
  });
}

/** Per example and bin: count, confidence and correctness of its top class. */
function eceDecompose(inputs: MetricInputs): Decomposition {
  const { rows, labels } = probabilityRows("ece", inputs);
  const bins = (inputs.n_bins as number | undefined) ?? 10;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`Cannot compute ece: n_bins must be a positive integer (got ${bins})`);
  }
  const width = 3 * bins;
  const out = new Float64Array(rows.length * width);
  rows.forEach((row, i) => {
    let best = 0;
    for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
    const p = row[best]!;
    // Bins (k/n, (k+1)/n]; a confidence of 0 goes to the first.
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    out[i * width + 3 * b] = 1;
    out[i * width + 3 * b + 1] = p;
    out[i * width + 3 * b + 2] = key(labels[best]) === key(inputs.references[i]) ? 1 : 0;
  });
  return {
    width,
    rows: out,
    score: (s) => {
      let n = 0, e = 0;
      for (let b = 0; b < bins; b++) {
        n += s[3 * b]!;
        e += Math.abs(s[3 * b + 2]! - s[3 * b + 1]!);
      }
      return e / n;
    },
  };
}

function correct(inputs: MetricInputs): number[] {
  checkLengths("accuracy", inputs);
  return inputs.predictions.map((p, i) => (key(p) === key(inputs.references[i]) ? 1 : 0));
}

function confusionMatrix(inputs: MetricInputs): { labels: Label[]; matrix: number[][] } {
  const n = checkLengths("confusion_matrix", inputs);
  const labels = (inputs.labels as Label[] | undefined) ??
    _labelsOf("confusion_matrix", inputs.references, inputs.predictions);
  const index = new Map(labels.map((l, i) => [key(l), i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < n; i++) {
    const r = index.get(key(inputs.references[i])), p = index.get(key(inputs.predictions[i]));
    if (r !== undefined && p !== undefined) matrix[r]![p]!++;
  }
  return { labels, matrix };
}

const SK = "scikit-learn 1.2 (sklearn.metrics)";

/**
 * The classification metrics.
 *
 * @example
 * ```ts
 * import { CLASSIFICATION_METRICS } from "./classification_metrics.ts";
 * const accuracy = CLASSIFICATION_METRICS.find((m) => m.name === "accuracy")!;
 * if (accuracy.compute({ predictions: ["spam", "ham"], references: ["spam", "spam"] }) !== 0.5) {
 *   throw new Error("wrong accuracy");
 * }
 * ```
 */
export const CLASSIFICATION_METRICS: Metric[] = [
  {
    name: "accuracy",
    description: "Share of predictions equal to the reference",
    kind: "per-example",
    higherIsBetter: true,
    reference: `${SK} accuracy_score`,
    perExample: correct,
    compute: (i) => _mean(correct(i)),
  },
  ...(["precision", "recall", "f1"] as const).map((which): Metric => ({
    name: which,
    description: `${
      which === "f1" ? "F1" : which[0]!.toUpperCase() + which.slice(1)
    } (option average: binary (default), macro, micro, weighted; pos_label, default 1)`,
    kind: "corpus",
    higherIsBetter: true,
    reference: `${SK} ${which === "f1" ? "f1_score" : `${which}_score`} with zero_division=0`,
    decompose: (i) => prfDecompose(which, i),
    compute: (i) => _scoreAll(prfDecompose(which, i)),
  })),
  {
    name: "confusion_matrix",
    description: "Counts of (reference, prediction) pairs: {labels, matrix} with rows = references",
    kind: "corpus",
    higherIsBetter: true,
    reference: `${SK} confusion_matrix`,
    compute: confusionMatrix,
  },
  {
    name: "roc_auc",
    description: "Area under the ROC curve: binary scores (P(positive) or 2-column rows), or one-vs-rest over rows",
    kind: "corpus",
    higherIsBetter: true,
    reference: `${SK} roc_auc_score (several classes: multi_class="ovr", average macro or weighted)`,
    compute: rocAuc,
  },
  {
    name: "log_loss",
    description: "Mean negative log-probability of the reference (scores: P(positive) or a probability row)",
    kind: "per-example",
    higherIsBetter: false,
    reference: `${SK} log_loss (probabilities clipped to [1e-15, 1 - 1e-15], rows renormalised)`,
    perExample: logLosses,
    compute: (i) => _mean(logLosses(i)),
  },
  {
    name: "ece",
    description: "Expected calibration error: top-class confidence vs accuracy over n_bins (10) equal-width bins",
    kind: "corpus",
    higherIsBetter: false,
    reference: "Guo et al. 2017, 'On Calibration of Modern Neural Networks', eq. 3; bins (k/n, (k+1)/n]",
    decompose: eceDecompose,
    compute: (i) => _scoreAll(eceDecompose(i)),
  },
];
