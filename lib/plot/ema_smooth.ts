/**
 * TensorBoard-style exponential smoothing of a series.
 *
 * @module
 */

/**
 * The default EMA smoothing weight, TensorBoard's default (0.6).
 *
 * @example
 * ```ts
 * import { EMA_DEFAULT, emaSmooth } from "./ema_smooth.ts";
 * const [a, b] = emaSmooth([1, 0], EMA_DEFAULT);
 * // The average is 0.4 after 1, then 0.6 * 0.4 = 0.24 after 0, debiased by 1 - 0.6 ** 2 = 0.64.
 * if (a !== 1 || Math.abs(b! - 0.24 / 0.64) > 1e-12) throw new Error(`${a} ${b}`);
 * ```
 */
export const EMA_DEFAULT = 0.6;

/**
 * TensorBoard's exponential moving average, debiased like Adam's moments:
 * `last = w * last + (1 - w) * v`, shown as `last / (1 - w^k)` after `k`
 * finite values, so the curve starts at the first value instead of 0.
 * Non-finite values pass through unchanged and do not move the average; a
 * constant series stays constant. `weight` is in [0, 1): 0 is no smoothing.
 *
 * @example
 * ```ts
 * import { emaSmooth } from "./ema_smooth.ts";
 * console.log(emaSmooth([1, 0, 0], 0.5)); // [1, 0.3333333333333333, 0.14285714285714285]
 * ```
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) {
    throw new RangeError(`Cannot smooth values: the weight must be in [0, 1) (got ${weight})`);
  }
  const first = values.find((v) => Number.isFinite(v));
  const constant = values.every((v) => !Number.isFinite(v) || v === first);
  let last = 0, k = 0;
  return values.map((v) => {
    if (!Number.isFinite(v) || constant) return v;
    last = last * weight + (1 - weight) * v;
    k++;
    return last / (1 - weight ** k);
  });
}
