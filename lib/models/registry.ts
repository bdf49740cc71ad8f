/**
 * The model registry: named presets with a description, and a factory.
 *
 * @module
 */
import { Gpt, type GptConfig } from "./gpt.ts";
import type { Rng } from "../random/mod.ts";

/** A registered model preset. */
export interface ModelEntry {
  /** Registry name (`gpt-micro`). */
  name: string;
  /** One line. */
  description: string;
  /** The architecture family. */
  family: "gpt";
  /** The preset's shape, without vocabulary size (that comes from the tokenizer). */
  preset: Omit<GptConfig, "vocab_size">;
}

const registry = new Map<string, ModelEntry>();

/** Adds a model preset (a notebook or script may add its own). */
export function registerModel(entry: ModelEntry, options: { replace?: boolean } = {}): void {
  if (registry.has(entry.name) && !options.replace) {
    throw new Error(`Cannot register model: "${entry.name}" is already registered (pass replace: true to replace it)`);
  }
  registry.set(entry.name, entry);
}

/** Every registered model preset, by name, with its parameter count at `vocabSize`. */
export function listModels(vocabSize = 83): (ModelEntry & { params: number })[] {
  return [...registry.values()]
    .map((e) => ({ ...e, params: gptParamCount({ ...e.preset, vocab_size: vocabSize }) }))
    .sort((a, b) => a.params - b.params);
}

/** The presets as plain objects, for config overrides (`model=gpt-nano`). */
export function modelPresets(): Record<string, Record<string, unknown>> {
  return Object.fromEntries([...registry.values()].map((e) => [e.name, { ...e.preset }]));
}

/** Looks up a preset; the error lists the known names. */
export function getModelEntry(name: string): ModelEntry {
  const e = registry.get(name);
  if (!e) {
    throw new RangeError(
      `Cannot create model: unknown model "${name}" (known: ${[...registry.keys()].sort().join(", ")})`,
    );
  }
  return e;
}

/**
 * Builds a freshly initialised model: the named preset with `overrides`.
 *
 * @example
 * ```ts ignore
 * import { createModel } from "./registry.ts";
 * import { Rng } from "../random/mod.ts";
 * const model = createModel("gpt-nano", { vocab_size: 65 }, new Rng(1));
 * console.log(model.numParams);
 * ```
 */
export function createModel(name: string, overrides: Partial<GptConfig> & { vocab_size: number }, rng: Rng): Gpt {
  const e = getModelEntry(name);
  return Gpt.create({ ...e.preset, ...overrides }, rng);
}

/** Parameter count of a GPT config (tied head counted once). */
export function gptParamCount(c: GptConfig): number {
  const C = c.n_embd;
  return c.vocab_size * C + c.block_size * C + c.n_layer * (12 * C * C + 13 * C) + 2 * C;
}

registerModel({
  name: "gpt-nano",
  description: "GPT-2-style decoder, 3 layers, 3 heads, 48 dims: seconds per run, for tests",
  family: "gpt",
  preset: { n_layer: 3, n_head: 3, n_embd: 48, block_size: 64, dropout: 0 },
});
registerModel({
  name: "gpt-micro",
  description: "GPT-2-style decoder at nanoGPT's CPU preset: 4 layers, 4 heads, 128 dims",
  family: "gpt",
  preset: { n_layer: 4, n_head: 4, n_embd: 128, block_size: 64, dropout: 0 },
});
registerModel({
  name: "gpt-mini",
  description: "GPT-2-style decoder, 6 layers, 6 heads, 192 dims",
  family: "gpt",
  preset: { n_layer: 6, n_head: 6, n_embd: 192, block_size: 64, dropout: 0 },
});
