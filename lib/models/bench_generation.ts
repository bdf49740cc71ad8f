/**
 * Generation speed: new tokens per second of greedy generation, with or
 * without the model's cache, for benchmarks (`generate_bench.ts`) and tasks.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { generate } from "./generate.ts";
import type { LanguageModel } from "./model.ts";

/** What {@linkcode benchGeneration} measures. */
export interface BenchGenerationOptions {
  /** The model to run (on whatever backend is active). */
  model: LanguageModel;
  /** The prompt: its token ids, or a length (that many ids drawn with `seed`). */
  promptTokens: number | ArrayLike<number>;
  /** Tokens to generate (no stop tokens, so exactly this many). */
  newTokens: number;
  /** Use the model's cache (see `GenerateOptions.useCache`). Default true. */
  useCache?: boolean;
  /**
   * Generate 2 tokens from the same prompt first, untimed, so one-off costs
   * (packing weights for the matrix kernels, per-length masks) stay out of
   * the figure. Default true.
   */
  warmup?: boolean;
  /** Seeds the drawn prompt. Default 1. */
  seed?: number;
}

/**
 * New tokens per second of greedy generation (temperature 0): `newTokens`
 * divided by the wall time of one `generate` call, the prompt's own pass
 * included.
 *
 * @example
 * ```ts
 * import { initBackend } from "../backend/mod.ts";
 * import { Rng } from "../random/mod.ts";
 * import { benchGeneration } from "./bench_generation.ts";
 * import { Gpt } from "./gpt.ts";
 * await initBackend("cpu");
 * const model = Gpt.create({ vocab_size: 50, block_size: 32, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 }, new Rng(1));
 * const cached = benchGeneration({ model, promptTokens: 8, newTokens: 8 });
 * const recomputed = benchGeneration({ model, promptTokens: 8, newTokens: 8, useCache: false });
 * model.dispose();
 * if (!(cached > 0 && recomputed > 0)) throw new Error(`tokens/s ${cached}, ${recomputed}`);
 * ```
 */
export function benchGeneration(options: BenchGenerationOptions): number {
  const { model, promptTokens, newTokens, useCache = true, warmup = true, seed = 1 } = options;
  if (!Number.isInteger(newTokens) || newTokens <= 0) {
    throw new RangeError(`Cannot bench generation: newTokens must be a positive integer (got ${newTokens})`);
  }
  let prompt: number[];
  if (typeof promptTokens === "number") {
    if (!Number.isInteger(promptTokens) || promptTokens <= 0) {
      throw new RangeError(`Cannot bench generation: promptTokens must be a positive integer (got ${promptTokens})`);
    }
    const rng = new Rng(seed);
    prompt = Array.from({ length: promptTokens }, () => rng.int(model.config.vocab_size));
  } else {
    prompt = Array.from(promptTokens);
  }
  if (warmup) generate(model, prompt, { maxNewTokens: 2, temperature: 0, useCache });
  const t0 = performance.now();
  const out = generate(model, prompt, { maxNewTokens: newTokens, temperature: 0, useCache });
  const seconds = (performance.now() - t0) / 1000;
  return (out.length - prompt.length) / seconds;
}
