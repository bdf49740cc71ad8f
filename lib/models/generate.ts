/**
 * Seeded generation from a language model: greedy, temperature, top-k and
 * top-p (nucleus) sampling, stop tokens, and streaming token by token. Models
 * with a cache (`startCache`/`step`: every GPT, the char-LSTM) feed each new
 * token as one position while the context fits in `block_size`.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import { isIncremental, type LanguageModel } from "./model.ts";

/** Sampling options. */
export interface GenerateOptions {
  /** Tokens to add at most. */
  maxNewTokens: number;
  /** Divides the logits; 0 picks the most likely token (greedy). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 keeps all). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 keeps all). */
  topP?: number;
  /** Generation stops after producing any of these ids (the stop token is included). */
  stopTokens?: readonly number[];
  /** Draws the samples; the same state gives the same text. Not needed for greedy. */
  rng?: Rng;
  /**
   * Feed each new token as one position through the model's cache
   * (`startCache`/`step`) instead of recomputing the whole context, while
   * the context fits in `block_size`; past that, every step recomputes the
   * last `block_size` tokens, as without the cache. The tokens are the same
   * either way. Default true; models without a cache always recompute.
   */
  useCache?: boolean;
}

function checkOptions(o: GenerateOptions): void {
  const { maxNewTokens, temperature = 1, topK = 0, topP = 1 } = o;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
    throw new RangeError(`Cannot generate: maxNewTokens must be a non-negative integer (got ${maxNewTokens})`);
  }
  if (!(temperature >= 0)) throw new RangeError(`Cannot generate: temperature must be >= 0 (got ${temperature})`);
  if (!Number.isInteger(topK) || topK < 0) throw new RangeError(`Cannot generate: topK must be >= 0 (got ${topK})`);
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`Cannot generate: topP must be in (0, 1] (got ${topP})`);
  if (temperature > 0 && !o.rng) throw new TypeError("Cannot generate: sampling (temperature > 0) needs an rng");
}

/**
 * Picks an index from logits: the arg max when `temperature` is 0, else a
 * draw from the softmax at that temperature restricted by top-k and top-p.
 *
 * @example
 * ```ts
 * import { sampleLogits } from "./generate.ts";
 * import { Rng } from "../random/mod.ts";
 * const logits = new Float32Array([0, 5, 1]);
 * if (sampleLogits(logits, { temperature: 0 }) !== 1) throw new Error("greedy picks the max");
 * if (sampleLogits(logits, { temperature: 1, topK: 1, rng: new Rng(1) }) !== 1) throw new Error("top-1 is greedy");
 * ```
 */
export function sampleLogits(
  logits: ArrayLike<number>,
  opts: { temperature?: number; topK?: number; topP?: number; rng?: Rng },
): number {
  const { temperature = 1, topK = 0, topP = 1, rng } = opts;
  const V = logits.length;
  let best = 0;
  for (let i = 1; i < V; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  // Candidates in descending order of logit (stable: ties keep id order).
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const k = topK > 0 ? Math.min(topK, V) : V;
  const max = logits[best]!;
  const p: number[] = [];
  let sum = 0;
  for (let r = 0; r < k; r++) {
    const e = Math.exp((logits[order[r]!]! - max) / temperature);
    p.push(e);
    sum += e;
  }
  let keep = p.length;
  if (topP < 1) {
    let cum = 0;
    for (let r = 0; r < p.length; r++) {
      cum += p[r]! / sum;
      if (cum >= topP) {
        keep = r + 1;
        break;
      }
    }
    sum = p.slice(0, keep).reduce((a, b) => a + b, 0);
  }
  let u = rng!.next() * sum;
  for (let r = 0; r < keep; r++) {
    u -= p[r]!;
    if (u < 0) return order[r]!;
  }
  return order[keep - 1]!;
}

function nextLogits(model: LanguageModel, ids: number[]): Float32Array {
  const ctx = ids.slice(-model.config.block_size);
  const last = tf.tidy(() => {
    const logits = model.logits(new Int32Array(ctx), 1, ctx.length);
    return tf.slice(logits, [ctx.length - 1, 0], [1, -1]);
  });
  const row = last.dataSync() as Float32Array;
  last.dispose();
  return row;
}

/**
 * Yields new token ids one at a time as they are produced, for printing as
 * it goes (`for await (const id of streamTokens(...))`). The context is
 * cropped to the model's block size. A model's cache (see
 * {@linkcode GenerateOptions.useCache}) is released when the loop ends,
 * also on `break`.
 *
 * @example
 * ```ts
 * import { streamTokens } from "./generate.ts";
 * import { Gpt } from "./gpt.ts";
 * import { initBackend } from "../backend/mod.ts";
 * import { Rng } from "../random/mod.ts";
 * await initBackend("cpu");
 * const model = Gpt.create({ vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 }, new Rng(2));
 * const ids: number[] = [];
 * for await (const id of streamTokens(model, [1, 2, 3], { maxNewTokens: 5, temperature: 0.8, rng: new Rng(9) })) {
 *   ids.push(id);
 * }
 * model.dispose();
 * if (ids.length !== 5 || ids.some((id) => id < 0 || id >= 11)) throw new Error(`bad ids ${ids}`);
 * ```
 */
export async function* streamTokens(
  model: LanguageModel,
  prompt: ArrayLike<number>,
  opts: GenerateOptions,
): AsyncGenerator<number> {
  for (const id of generateTokens(model, prompt, opts)) {
    yield id;
    await new Promise((r) => setTimeout(r, 0)); // let the caller's output (and Ctrl-C) through
  }
}

function _row(logits: tf.Tensor): Float32Array {
  const row = logits.dataSync() as Float32Array;
  logits.dispose();
  return row;
}

function* generateTokens(model: LanguageModel, prompt: ArrayLike<number>, opts: GenerateOptions): Generator<number> {
  checkOptions(opts);
  const ids = Array.from(prompt);
  if (ids.length === 0) throw new RangeError("Cannot generate: the prompt must have at least one token");
  const stop = new Set(opts.stopTokens ?? []);
  const block = model.config.block_size;
  // The cache holds every position of `ids` but `pending`. It serves while the
  // whole context fits (positions 0 .. n-1, as a recompute would feed them);
  // once the context is cropped, each step recomputes the window from position 0.
  const incremental = (opts.useCache ?? true) && isIncremental(model) && ids.length <= block ? model : null;
  let cache = incremental?.startCache(1) ?? null;
  let pending = ids; // the prompt, then each new token
  try {
    for (let i = 0; i < opts.maxNewTokens; i++) {
      let logits: Float32Array;
      if (incremental && cache && ids.length <= block) {
        const next = incremental.step(Int32Array.from(pending), cache);
        cache.dispose();
        cache = next.cache;
        logits = _row(next.logits);
      } else {
        cache?.dispose();
        cache = null;
        logits = nextLogits(model, ids);
      }
      const id = sampleLogits(logits, opts);
      ids.push(id);
      pending = [id];
      yield id;
      if (stop.has(id)) return;
    }
  } finally {
    cache?.dispose(); // also when the caller stops early (break, return, an exception)
  }
}

/**
 * Continues `prompt` (token ids) by up to `maxNewTokens` tokens and returns
 * prompt and continuation together.
 *
 * @example
 * ```ts
 * import { generate } from "./generate.ts";
 * import { Gpt } from "./gpt.ts";
 * import { initBackend } from "../backend/mod.ts";
 * import { Rng } from "../random/mod.ts";
 * await initBackend("cpu");
 * const model = Gpt.create({ vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 }, new Rng(2));
 * const a = generate(model, [1, 2, 3], { maxNewTokens: 6, temperature: 1, topK: 5, rng: new Rng(9) });
 * const b = generate(model, [1, 2, 3], { maxNewTokens: 6, temperature: 1, topK: 5, rng: new Rng(9) });
 * const greedy = generate(model, [1, 2, 3], { maxNewTokens: 4, temperature: 0 });
 * model.dispose();
 * if (a.length !== 9 || a.join() !== b.join()) throw new Error("the same seed should give the same tokens");
 * if (greedy.length !== 7 || greedy.slice(0, 3).join() !== "1,2,3") throw new Error(`bad greedy ${greedy}`);
 * ```
 */
export function generate(model: LanguageModel, prompt: ArrayLike<number>, opts: GenerateOptions): Int32Array {
  return Int32Array.from([...Array.from(prompt), ...generateTokens(model, prompt, opts)]);
}
