/**
 * What a metric is: a named function of predictions and references (and
 * scores), that says whether it is per-example (its value is the mean of
 * per-example values) or corpus-level, and whether higher is better. Corpus
 * metrics whose value is a function of summed per-example counts (F1, BLEU,
 * chrF, ECE) say so through {@linkcode Metric.decompose}, which makes their
 * bootstrap as cheap as a mean's.
 *
 * @module
 */

/** Inputs in the style of Hugging Face `evaluate`: parallel arrays plus options. */
export interface MetricInputs {
  /** One prediction per example (labels, texts). */
  predictions: readonly unknown[];
  /** One reference per example (a label, a text, or a list of reference texts). */
  references: readonly unknown[];
  /** Scores: a probability per example (binary) or a row per example (classes, logits). */
  scores?: readonly (number | readonly number[])[];
  /** Metric options (`average`, `pos_label`, `labels`, `n_bins`, `tokenize`, ...). */
  [option: string]: unknown;
}

/** A metric's value: a number, or a record (a confusion matrix). */
export type MetricValue = number | Record<string, unknown>;

/**
 * A corpus metric as counts: `width` numbers per example (`rows`, flat), and
 * the value of any multiset of examples from the sum of their rows.
 */
export interface Decomposition {
  /** Counts per example. */
  width: number;
  /** `n * width` numbers: example `i`'s counts at `[i * width, (i + 1) * width)`. */
  rows: Float64Array;
  /** The metric's value from summed rows. */
  score(sums: Float64Array): number;
}

/** A registered metric. */
export interface Metric {
  /** The registry name (`snake_case`). */
  name: string;
  /** One line on what it measures and its options. */
  description: string;
  /** `per-example`: the value is the mean of {@linkcode Metric.perExample} (or `fromMean` of it). */
  kind: "per-example" | "corpus";
  /** Whether a larger value is better (accuracy) or worse (log loss). */
  higherIsBetter: boolean;
  /** The metric's value on all of `inputs`. */
  compute(inputs: MetricInputs): MetricValue;
  /** One value per example (per-example metrics only). */
  perExample?(inputs: MetricInputs): number[];
  /** For per-example metrics whose value is a function of the mean (perplexity = exp(mean NLL)). */
  fromMean?(mean: number): number;
  /** For corpus metrics that are a function of summed per-example counts. */
  decompose?(inputs: MetricInputs): Decomposition;
  /** Where the definition comes from (a reference implementation or paper). */
  reference: string;
}

/**
 * Throws unless predictions and references (and scores, when `needScores`)
 * are arrays of the same, non-zero length with finite scores; returns the
 * length.
 *
 * @example
 * ```ts
 * import { checkLengths } from "./metric.ts";
 * try {
 *   checkLengths("f1", { predictions: [1, 0], references: [1] });
 * } catch (err) {
 *   if ((err as Error).message !== "Cannot compute f1: predictions has 2 items and references 1") throw err;
 * }
 * ```
 */
export function checkLengths(metric: string, inputs: MetricInputs, needScores = false): number {
  if (!Array.isArray(inputs.predictions) || !Array.isArray(inputs.references)) {
    throw new TypeError(`Cannot compute ${metric}: predictions and references must be arrays`);
  }
  const n = inputs.predictions.length, m = inputs.references.length;
  if (n !== m) throw new RangeError(`Cannot compute ${metric}: predictions has ${n} items and references ${m}`);
  if (n === 0) throw new RangeError(`Cannot compute ${metric}: there are no examples`);
  if (needScores) {
    if (!Array.isArray(inputs.scores)) throw new TypeError(`Cannot compute ${metric}: it needs scores`);
    if (inputs.scores.length !== n) {
      throw new RangeError(`Cannot compute ${metric}: scores has ${inputs.scores.length} items and references ${n}`);
    }
    inputs.scores.forEach((s, i) => {
      const bad = Array.isArray(s) ? s.some((v) => !Number.isFinite(v)) : !Number.isFinite(s);
      if (bad) {
        throw new RangeError(`Cannot compute ${metric}: score ${i} is not a finite number (${JSON.stringify(s)})`);
      }
    });
  }
  return n;
}

/** Mean of a list. */
export function _mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** The value of a decomposed metric on every example: its score of the summed rows. */
export function _scoreAll(d: Decomposition): number {
  const sums = new Float64Array(d.width);
  for (let i = 0; i < d.rows.length; i++) sums[i % d.width]! += d.rows[i]!;
  return d.score(sums);
}
