// Generation speed with and without the cache: `deno bench --allow-all lib/models/generate_bench.ts`.
// Greedy generation on the wasm backend after a 64-token prompt; each group's baseline recomputes
// the whole context for every token (useCache: false), so the ratio is the cache's gain on any
// machine (the times are per generate call, prompt included):
// - gpt-micro's shape with context 256, 128 new tokens;
// - char-lstm with context 256, 32 new tokens (its full recompute unrolls the whole context every token).
// GPT-2 small is too slow for repeated runs (a full recompute costs 1-4 s a token there); measure
// it once with benchGeneration, as docs/models.md ("KV cache") shows.
import { initBackend } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { benchGeneration } from "./bench_generation.ts";
import type { LanguageModel } from "./model.ts";
import { createModel } from "./registry.ts";

await initBackend("wasm");

function lm(name: string, overrides: Record<string, number>): LanguageModel {
  return createModel(name, overrides, new Rng(1)) as LanguageModel;
}

const groups: [string, LanguageModel, number][] = [
  ["gpt-micro, context 256", lm("gpt-micro", { vocab_size: 83, block_size: 256 }), 128],
  ["char-lstm, context 256", lm("char-lstm", { vocab_size: 83, block_size: 256 }), 32],
];
for (const [name, model, newTokens] of groups) {
  for (const useCache of [false, true]) {
    Deno.bench({
      name: `${name}: ${useCache ? "cache" : "full recompute per token"}, ${newTokens} new tokens`,
      group: name,
      baseline: !useCache,
      n: 3,
      warmup: 1,
      fn: () => {
        benchGeneration({ model, promptTokens: 64, newTokens, useCache, warmup: false });
      },
    });
  }
}
