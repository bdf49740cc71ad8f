/**
 * Language-modelling metrics over per-token logits: cross-entropy (nats),
 * perplexity, and token accuracy, skipping targets equal to `ignore_index`
 * (-100, as PyTorch's `cross_entropy` does).
 *
 * @module
 */
import { _mean, type Metric, type MetricInputs } from "./metric.ts";

function rows(metric: string, inputs: MetricInputs): { logits: number[][]; targets: number[] } {
  const targets = inputs.references as number[];
  const scores = inputs.scores as number[][] | undefined;
  if (!Array.isArray(targets) || !Array.isArray(scores)) {
    throw new TypeError(
      `Cannot compute ${metric}: it needs references (target ids) and scores (a logit row per target)`,
    );
  }
  if (scores.length !== targets.length) {
    throw new RangeError(`Cannot compute ${metric}: scores has ${scores.length} rows and references ${targets.length}`);
  }
  const ignore = (inputs.ignore_index as number | undefined) ?? -100;
  const keep: number[] = [], kept: number[][] = [];
  targets.forEach((t, i) => {
    if (t === ignore) return;
    const row = scores[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= row.length) {
      throw new RangeError(`Cannot compute ${metric}: target ${i} is ${t}, outside 0..${row.length - 1}`);
    }
    if (row.some((v) => !Number.isFinite(v))) {
      throw new RangeError(`Cannot compute ${metric}: logit row ${i} is not finite`);
    }
    keep.push(t);
    kept.push(row);
  });
  if (keep.length === 0) throw new RangeError(`Cannot compute ${metric}: every target is ignore_index ${ignore}`);
  return { logits: kept, targets: keep };
}

function nll(inputs: MetricInputs): number[] {
  const { logits, targets } = rows("cross_entropy", inputs);
  return logits.map((row, i) => {
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    return max + Math.log(sum) - row[targets[i]!]!;
  });
}

function hits(inputs: MetricInputs): number[] {
  const { logits, targets } = rows("token_accuracy", inputs);
  return logits.map((row, i) => {
    let best = 0;
    for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
    return best === targets[i] ? 1 : 0;
  });
}

const PT = "PyTorch torch.nn.functional.cross_entropy (mean reduction, ignore_index -100)";

/**
 * The language-modelling metrics.
 *
 * @example
 * ```ts
 * import { LM_METRICS } from "./lm_metrics.ts";
 * const ppl = LM_METRICS.find((m) => m.name === "perplexity")!;
 * // Uniform logits over 4 tokens: cross-entropy ln 4, perplexity 4; -100 targets are skipped.
 * const v = ppl.compute({ references: [2, -100], scores: [[0, 0, 0, 0], [0, 0, 0, 0]], predictions: [] });
 * if (Math.abs((v as number) - 4) > 1e-9) throw new Error(`perplexity ${v}`);
 * ```
 */
export const LM_METRICS: Metric[] = [
  {
    name: "cross_entropy",
    description: "Mean negative log-likelihood of the targets, nats per token",
    kind: "per-example",
    higherIsBetter: false,
    reference: PT,
    perExample: nll,
    compute: (i) => _mean(nll(i)),
  },
  {
    name: "perplexity",
    description: "exp(cross-entropy)",
    kind: "per-example",
    higherIsBetter: false,
    reference: `exp of ${PT}`,
    perExample: nll,
    fromMean: Math.exp,
    compute: (i) => Math.exp(_mean(nll(i))),
  },
  {
    name: "token_accuracy",
    description: "Share of targets that are the arg max of their logits",
    kind: "per-example",
    higherIsBetter: true,
    reference: "argmax(logits) == target, ignore_index skipped",
    perExample: hits,
    compute: (i) => _mean(hits(i)),
  },
];
