/**
 * What a metric is: a named function of predictions and references (and
 * scores), that says whether it is per-example (so its value is the mean of
 * per-example values, which makes bootstrapping cheap) or corpus-level, and
 * whether higher is better.
 *
 * @module
 */

/** Inputs in the style of Hugging Face `evaluate`: parallel arrays plus options. */
export interface MetricInputs {
  predictions: readonly unknown[];
  references: readonly unknown[];
  /** Scores: a probability per example (binary) or a row per example (classes, logits). */
  scores?: readonly (number | readonly number[])[];
  [option: string]: unknown;
}

/** A metric's value: a number, or a record (a confusion matrix). */
export type MetricValue = number | Record<string, unknown>;

/** A registered metric. */
export interface Metric {
  name: string;
  description: string;
  /** `per-example`: the value is the mean of {@linkcode Metric.perExample}. */
  kind: "per-example" | "corpus";
  higherIsBetter: boolean;
  /** The metric's value on all of `inputs`. */
  compute(inputs: MetricInputs): MetricValue;
  /** One value per example (per-example metrics only). */
  perExample?(inputs: MetricInputs): number[];
  /** For per-example metrics whose value is a function of the mean (perplexity = exp(mean NLL)). */
  fromMean?(mean: number): number;
  /** Where the definition comes from (a reference implementation or paper). */
  reference: string;
}

/** Throws unless predictions and references (and scores) have the same, non-zero length. */
export function checkLengths(metric: string, inputs: MetricInputs, needScores = false): number {
  const n = inputs.predictions?.length ?? 0, m = inputs.references?.length ?? 0;
  if (!Array.isArray(inputs.predictions) || !Array.isArray(inputs.references)) {
    throw new TypeError(`Cannot compute ${metric}: predictions and references must be arrays`);
  }
  if (n !== m) throw new RangeError(`Cannot compute ${metric}: predictions has ${n} items and references ${m}`);
  if (n === 0) throw new RangeError(`Cannot compute ${metric}: there are no examples`);
  if (needScores) {
    if (!inputs.scores) throw new TypeError(`Cannot compute ${metric}: it needs scores`);
    if (inputs.scores.length !== n) {
      throw new RangeError(`Cannot compute ${metric}: scores has ${inputs.scores.length} items and references ${n}`);
    }
    inputs.scores.forEach((s, i) => {
      const bad = Array.isArray(s) ? (s as number[]).some((v) => !Number.isFinite(v)) : !Number.isFinite(s as number);
      if (bad) {
        throw new RangeError(`Cannot compute ${metric}: score ${i} is not a finite number (${JSON.stringify(s)})`);
      }
    });
  }
  return n;
}

/** Mean of a list. */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}
