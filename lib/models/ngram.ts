/**
 * Count-based unigram and bigram baselines: the losses a neural language
 * model has to beat to have learned anything beyond letter frequencies.
 *
 * @module
 */

/**
 * Mean negative log-likelihood (nats per token) of `val` under an n-gram
 * model (`order` 1 or 2) counted on `train` with add-`alpha` smoothing.
 *
 * @example
 * ```ts
 * import { ngramLoss } from "./ngram.ts";
 * const train = new Int32Array([0, 1, 0, 1, 0, 1]);
 * const loss = ngramLoss(train, train, 2, 2, 0.01);
 * if (!(loss < 0.1)) throw new Error("a bigram model should predict an alternation");
 * ```
 */
export function ngramLoss(
  train: ArrayLike<number>,
  val: ArrayLike<number>,
  vocabSize: number,
  order: 1 | 2,
  alpha = 1,
): number {
  if (val.length < order) throw new RangeError(`Cannot score n-gram: validation has ${val.length} tokens`);
  const V = vocabSize;
  if (order === 1) {
    const counts = new Float64Array(V);
    for (let i = 0; i < train.length; i++) counts[train[i]!]!++;
    const total = train.length + alpha * V;
    let nll = 0;
    for (let i = 0; i < val.length; i++) nll -= Math.log((counts[val[i]!]! + alpha) / total);
    return nll / val.length;
  }
  // A dense V x V table up to 4,096 ids (128 MiB); above that (GPT-2's 50,257) only the pairs seen.
  const rows = new Float64Array(V);
  for (let i = 1; i < train.length; i++) rows[train[i - 1]!]!++;
  let pairCount: (a: number, b: number) => number;
  if (V <= 4096) {
    const counts = new Float64Array(V * V);
    for (let i = 1; i < train.length; i++) counts[train[i - 1]! * V + train[i]!]!++;
    pairCount = (a, b) => counts[a * V + b]!;
  } else {
    const counts = new Map<number, number>();
    for (let i = 1; i < train.length; i++) {
      const key = train[i - 1]! * V + train[i]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    pairCount = (a, b) => counts.get(a * V + b) ?? 0;
  }
  let nll = 0;
  for (let i = 1; i < val.length; i++) {
    const a = val[i - 1]!, b = val[i]!;
    nll -= Math.log((pairCount(a, b) + alpha) / (rows[a]! + alpha * V));
  }
  return nll / (val.length - 1);
}
