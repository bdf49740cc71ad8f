/**
 * Batches of (input, target) windows from a token stream.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";

/** `batch` windows of `time` tokens and their next-token targets, flattened. */
export interface Batch {
  x: Int32Array;
  y: Int32Array;
  batch: number;
  time: number;
}

/** Floats one evaluation forward pass may put in its `[windows * T, V]` logits (32 MiB). */
export const EVAL_LOGITS_BUDGET = 8 * 1024 * 1024;

/**
 * Windows per evaluation forward pass: `max`, or fewer when the logits of a
 * large vocabulary would not fit {@linkcode EVAL_LOGITS_BUDGET} (GPT-2's
 * 50,257 ids at 64 tokens: 2 windows), never fewer than 1.
 *
 * @example
 * ```ts
 * import { evalWindowsPerBatch } from "./batches.ts";
 * if (evalWindowsPerBatch(64, 83, 48) !== 48) throw new Error("a char vocabulary keeps the full batch");
 * if (evalWindowsPerBatch(64, 50257, 48) !== 2) throw new Error("GPT-2's vocabulary shrinks it");
 * ```
 */
export function evalWindowsPerBatch(T: number, V: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(EVAL_LOGITS_BUDGET / (T * V))));
}

function fill(data: ArrayLike<number>, starts: number[], T: number): Batch {
  const B = starts.length;
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  starts.forEach((s, b) => {
    for (let t = 0; t < T; t++) {
      x[b * T + t] = data[s + t]!;
      y[b * T + t] = data[s + t + 1]!;
    }
  });
  return { x, y, batch: B, time: T };
}

function checkLength(data: ArrayLike<number>, T: number, what: string): void {
  if (data.length < T + 1) {
    throw new RangeError(
      `Cannot make batches: the ${what} split has ${data.length} tokens, fewer than block_size + 1 = ${T + 1}`,
    );
  }
}

/** A batch of windows at random offsets drawn from `rng` (nanoGPT's `get_batch`). */
export function randomBatch(data: ArrayLike<number>, B: number, T: number, rng: Rng): Batch {
  checkLength(data, T, "training");
  const starts = Array.from({ length: B }, () => rng.int(data.length - T));
  return fill(data, starts, T);
}

/**
 * `n` fixed batches of windows spread evenly over `data`: the same windows
 * at every evaluation, so evaluations compare like with like.
 */
export function evenBatches(data: ArrayLike<number>, B: number, T: number, n: number): Batch[] {
  checkLength(data, T, "evaluation");
  const windows = B * n, last = data.length - T - 1;
  const starts = Array.from({ length: windows }, (_, i) => windows === 1 ? 0 : Math.floor((i * last) / (windows - 1)));
  return Array.from({ length: n }, (_, j) => fill(data, starts.slice(j * B, (j + 1) * B), T));
}

/**
 * Every non-overlapping window of `data`, in order, in batches of up to `B`:
 * an exact pass over a split (the final evaluation).
 */
export function allWindows(data: ArrayLike<number>, B: number, T: number): Batch[] {
  checkLength(data, T, "evaluation");
  const starts = Array.from({ length: Math.floor((data.length - 1) / T) }, (_, i) => i * T);
  const out: Batch[] = [];
  for (let i = 0; i < starts.length; i += B) out.push(fill(data, starts.slice(i, i + B), T));
  return out;
}
