/**
 * Contiguous splits of a token stream.
 *
 * @module
 */

/** A train/validation split of one token stream. */
export interface StreamSplit<T extends ArrayLike<number>> {
  train: T;
  val: T;
}

/**
 * Holds out the last `valFraction` of a stream for validation (nanoGPT's
 * split), so the validation text is a contiguous, unseen stretch. Both parts
 * are views of `ids`, not copies.
 *
 * @example
 * ```ts
 * import { splitTail } from "./split_tail.ts";
 * const { train, val } = splitTail(new Uint16Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0.2);
 * if (train.length !== 8 || val.join() !== "9,10") throw new Error("expected the last two ids held out");
 * ```
 */
export function splitTail<T extends Int32Array | Uint16Array>(ids: T, valFraction: number): StreamSplit<T> {
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new RangeError(`Cannot split data: data.val_fraction must be in (0, 1) (got ${valFraction})`);
  }
  const n = Math.floor(ids.length * (1 - valFraction));
  return { train: ids.subarray(0, n) as T, val: ids.subarray(n) as T };
}
