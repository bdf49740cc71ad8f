/**
 * Seeded sampling from a language model: temperature and top-k.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { LanguageModel } from "./model.ts";

/** Sampling options. */
export interface GenerateOptions {
  /** Tokens to add. */
  maxNewTokens: number;
  /** Divides the logits; below 1 is more conservative. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 keeps all). */
  topK?: number;
  /** Draws the samples; the same state gives the same text. */
  rng: Rng;
}

/** Picks an index from logits with temperature and top-k, using `rng`. */
export function sampleLogits(logits: Float32Array, temperature: number, topK: number, rng: Rng): number {
  const V = logits.length;
  let cutoff = -Infinity;
  if (topK > 0 && topK < V) cutoff = [...logits].sort((a, b) => b - a)[topK - 1]!;
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (logits[i]! >= cutoff && logits[i]! > max) max = logits[i]!;
  const p = new Float64Array(V);
  let sum = 0;
  for (let i = 0; i < V; i++) {
    p[i] = logits[i]! >= cutoff ? Math.exp((logits[i]! - max) / temperature) : 0;
    sum += p[i]!;
  }
  let r = rng.next() * sum;
  for (let i = 0; i < V; i++) {
    r -= p[i]!;
    if (r < 0) return i;
  }
  return V - 1;
}

/**
 * Continues `prompt` (token ids) by `maxNewTokens` sampled tokens; the
 * context is cropped to the model's block size.
 */
export function generate(model: LanguageModel, prompt: ArrayLike<number>, opts: GenerateOptions): Int32Array {
  const { maxNewTokens, temperature = 1, topK = 0, rng } = opts;
  const ids = Array.from(prompt);
  if (ids.length === 0) throw new RangeError("Cannot generate: the prompt must have at least one token");
  for (let i = 0; i < maxNewTokens; i++) {
    const ctx = ids.slice(-model.config.block_size);
    const last = tf.tidy(() => {
      const logits = model.logits(new Int32Array(ctx), 1, ctx.length);
      return tf.slice(logits, [ctx.length - 1, 0], [1, -1]);
    });
    const row = last.dataSync() as Float32Array;
    last.dispose();
    ids.push(sampleLogits(row, temperature, topK, rng));
  }
  return new Int32Array(ids);
}
