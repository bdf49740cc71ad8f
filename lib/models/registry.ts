/**
 * The model registry: named presets, each with a description, a task, a
 * default config, a config schema and a factory. Users register their own
 * from a notebook or script.
 *
 * @module
 */
import { z } from "zod";
import { Rng } from "../random/mod.ts";
import { Gpt, type GptConfig } from "./gpt.ts";
import { BowLinear, type BowLinearConfig } from "./bow_linear.ts";
import { CharLstm, type CharLstmConfig } from "./char_lstm.ts";
import { Bert, type BertConfig, bertParamShapes } from "./bert.ts";
import type { Model, ModelConfig } from "./model.ts";

/** A registered model. */
export interface ModelEntry {
  /** Registry name (`gpt-micro`). */
  name: string;
  /** One line. */
  description: string;
  /** The architecture family (`gpt`, `bert`, `lstm`, `bow-linear`, ...). */
  family: string;
  /** What it does. */
  task: "language-modeling" | "classification";
  /** The full default config. */
  defaults: ModelConfig;
  /** Validates a config (defaults with overrides); its errors name the key. */
  schema: z.ZodType<ModelConfig>;
  /** Builds a freshly initialised model from a validated config. */
  create(config: ModelConfig, rng: Rng): Model;
  /** Parameter count of a config without building the model (else listModels builds one). */
  countParams?(config: ModelConfig): number;
}

/** What {@linkcode listModels} says of each entry. */
export interface ModelInfo {
  name: string;
  description: string;
  family: string;
  task: ModelEntry["task"];
  /** Parameter count at the default config. */
  params: number;
  defaults: ModelConfig;
}

const registry = new Map<string, ModelEntry>();
const counts = new Map<string, number>();

/**
 * Adds a model (a notebook or script may add its own).
 *
 * @example
 * ```ts
 * import { getModelEntry, listModels, registerModel } from "./registry.ts";
 * // A smaller GPT preset under a new name, built the same way as gpt-nano.
 * const nano = getModelEntry("gpt-nano");
 * registerModel({ ...nano, name: "gpt-pico", defaults: { ...nano.defaults, n_layer: 1 } });
 * if (!listModels().some((m) => m.name === "gpt-pico")) throw new Error("not registered");
 * let threw = false;
 * try {
 *   registerModel({ ...nano, name: "gpt-pico" });
 * } catch {
 *   threw = true;
 * }
 * if (!threw) throw new Error("a second registration needs replace: true");
 * ```
 */
export function registerModel(entry: ModelEntry, options: { replace?: boolean } = {}): void {
  if (registry.has(entry.name) && !options.replace) {
    throw new Error(`Cannot register model: "${entry.name}" is already registered (pass replace: true to replace it)`);
  }
  registry.set(entry.name, entry);
  counts.delete(entry.name);
}

/**
 * Looks up an entry; the error lists the known names.
 *
 * @example
 * ```ts
 * import { getModelEntry } from "./registry.ts";
 * const e = getModelEntry("gpt-nano");
 * if (e.family !== "gpt" || e.task !== "language-modeling") throw new Error("unexpected entry");
 * let message = "";
 * try {
 *   getModelEntry("gpt-5");
 * } catch (err) {
 *   message = (err as Error).message;
 * }
 * if (!message.startsWith('Cannot create model: unknown model "gpt-5" (known: ')) throw new Error(message);
 * ```
 */
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
 * Validates `overrides` on top of an entry's defaults; the error names the
 * model, the key, what was expected and what was found.
 *
 * @example
 * ```ts
 * import { resolveModelConfig } from "./registry.ts";
 * const c = resolveModelConfig("gpt-nano", { n_layer: 2 });
 * if (c.n_layer !== 2 || c.n_embd !== 48) throw new Error("override not merged");
 * let message = "";
 * try {
 *   resolveModelConfig("gpt-nano", { n_head: 5 });
 * } catch (err) {
 *   message = (err as Error).message;
 * }
 * if (message !== "Cannot create model gpt-nano: n_head must divide n_embd (got 5)") throw new Error(message);
 * ```
 */
export function resolveModelConfig(name: string, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const e = getModelEntry(name);
  const merged: Record<string, unknown> = { ...e.defaults };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined && k !== "name") merged[k] = v;
  const r = e.schema.safeParse(merged);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = issue.path.join(".");
    const found = key ? merged[key] : undefined;
    throw new TypeError(
      `Cannot create model ${name}: ${key ? `${key} ` : ""}${issue.message.replace(/^Invalid input: /, "")}${
        key ? ` (got ${JSON.stringify(found)})` : ""
      }`,
    );
  }
  return r.data;
}

/**
 * Builds a freshly initialised model: the named entry's defaults with
 * `overrides`, weights drawn from `rng` (default: seed 0).
 *
 * @example
 * ```ts ignore
 * import { createModel } from "./registry.ts";
 * const model = createModel("gpt2");
 * console.log(model.countParams()); // 124439808
 * ```
 */
export function createModel(name: string, overrides: Partial<ModelConfig> = {}, rng?: Rng): Model {
  const config = resolveModelConfig(name, overrides);
  return getModelEntry(name).create(config, rng ?? Rng.stream(0, "init"));
}

/**
 * Every registered model with its parameter count at its default config, smallest first.
 *
 * @example
 * ```ts
 * import { listModels } from "./registry.ts";
 * const models = listModels();
 * const gpt2 = models.find((m) => m.name === "gpt2");
 * if (gpt2?.params !== 124_439_808) throw new Error(`gpt2 has ${gpt2?.params} params`);
 * if (models.some((m, i) => i > 0 && m.params < models[i - 1]!.params)) throw new Error("not sorted");
 * ```
 */
export function listModels(): ModelInfo[] {
  return [...registry.values()].map((e) => {
    let params = counts.get(e.name);
    if (params === undefined) {
      params = e.countParams ? e.countParams(e.defaults) : countOf(e);
      counts.set(e.name, params);
    }
    return { name: e.name, description: e.description, family: e.family, task: e.task, params, defaults: e.defaults };
  }).sort((a, b) => a.params - b.params);
}

function countOf(e: ModelEntry): number {
  const m = e.create(e.defaults, new Rng(0));
  try {
    return m.countParams();
  } finally {
    m.dispose();
  }
}

/**
 * The default configs by name, for `model=NAME` config overrides.
 * `vocab_size` and `num_labels` are left out: the tokenizer and the data set them.
 *
 * @example
 * ```ts
 * import { modelPresets } from "./registry.ts";
 * const nano = modelPresets()["gpt-nano"]!;
 * if (nano.n_layer !== 3 || "vocab_size" in nano) throw new Error(JSON.stringify(nano));
 * ```
 */
export function modelPresets(): Record<string, Record<string, unknown>> {
  return Object.fromEntries([...registry.values()].map((e) => {
    const { vocab_size: _v, num_labels: _n, ...rest } = e.defaults;
    return [e.name, rest];
  }));
}

/**
 * Parameter count of a GPT config (the tied head counted once).
 *
 * @example
 * ```ts
 * import { gptParamCount } from "./registry.ts";
 * const n = gptParamCount({ vocab_size: 50257, block_size: 1024, n_layer: 12, n_head: 12, n_embd: 768, dropout: 0 });
 * if (n !== 124_439_808) throw new Error(`GPT-2 small has 124,439,808 params, got ${n}`);
 * ```
 */
export function gptParamCount(c: GptConfig): number {
  const C = c.n_embd;
  return c.vocab_size * C + c.block_size * C + c.n_layer * (12 * C * C + 13 * C) + 2 * C;
}

const positive = z.number().int().positive();

/**
 * The schema of a GPT's config.
 *
 * @example
 * ```ts
 * import { GptConfigSchema } from "./registry.ts";
 * const ok = { vocab_size: 83, block_size: 64, n_layer: 2, n_head: 4, n_embd: 64, dropout: 0 };
 * if (!GptConfigSchema.safeParse(ok).success) throw new Error("should pass");
 * if (GptConfigSchema.safeParse({ ...ok, n_head: 3 }).success) throw new Error("3 heads do not divide 64 dims");
 * ```
 */
export const GptConfigSchema: z.ZodType<ModelConfig> = z.strictObject({
  vocab_size: positive,
  block_size: positive,
  n_layer: positive,
  n_head: positive,
  n_embd: positive,
  dropout: z.number().min(0).lt(1),
}).refine((c) => c.n_embd % c.n_head === 0, { message: "must divide n_embd", path: ["n_head"] }) as never;

function gpt(name: string, description: string, shape: Omit<GptConfig, "dropout">): ModelEntry {
  return {
    name,
    description,
    family: "gpt",
    task: "language-modeling",
    defaults: { ...shape, dropout: 0 },
    schema: GptConfigSchema,
    create: (config, rng) => Gpt.create(config as unknown as GptConfig, rng),
    countParams: (config) => gptParamCount(config as unknown as GptConfig),
  };
}

registerModel(gpt("gpt-nano", "GPT-2-style decoder, 3 layers, 3 heads, 48 dims: seconds per run, for tests", {
  vocab_size: 83,
  block_size: 64,
  n_layer: 3,
  n_head: 3,
  n_embd: 48,
}));
registerModel(gpt("gpt-micro", "GPT-2-style decoder at nanoGPT's CPU preset: 4 layers, 4 heads, 128 dims", {
  vocab_size: 83,
  block_size: 64,
  n_layer: 4,
  n_head: 4,
  n_embd: 128,
}));
registerModel(gpt("gpt-mini", "GPT-2-style decoder, 6 layers, 6 heads, 192 dims", {
  vocab_size: 83,
  block_size: 64,
  n_layer: 6,
  n_head: 6,
  n_embd: 192,
}));
registerModel(gpt("gpt2", "GPT-2 small (124 M): 12 layers, 12 heads, 768 dims, context 1,024, 50,257-token vocab", {
  vocab_size: 50257,
  block_size: 1024,
  n_layer: 12,
  n_head: 12,
  n_embd: 768,
}));

registerModel({
  name: "bow-linear",
  description: "Bag-of-words logistic regression over token ids: the classification baseline",
  family: "bow-linear",
  task: "classification",
  defaults: { vocab_size: 4096, num_labels: 2 },
  schema: z.strictObject({ vocab_size: positive, num_labels: z.number().int().min(2) }) as never,
  create: (config, rng) => BowLinear.create(config as unknown as BowLinearConfig, rng),
  countParams: (c) => (c.vocab_size as number) * (c.num_labels as number) + (c.num_labels as number),
});

registerModel({
  name: "char-lstm",
  description: "Character-level LSTM language model: 2 layers, 256 hidden, context 64",
  family: "lstm",
  task: "language-modeling",
  defaults: { vocab_size: 83, block_size: 64, n_embd: 64, n_hidden: 256, n_layer: 2, dropout: 0 },
  schema: z.strictObject({
    vocab_size: positive,
    block_size: positive,
    n_embd: positive,
    n_hidden: positive,
    n_layer: positive,
    dropout: z.number().min(0).lt(1),
  }) as never,
  create: (config, rng) => CharLstm.create(config as unknown as CharLstmConfig, rng),
  countParams: (c) => {
    const [V, E, H, L] = [c.vocab_size, c.n_embd, c.n_hidden, c.n_layer] as number[];
    return V! * E! + 4 * H! * (E! + H! + 1) + (L! - 1) * 4 * H! * (2 * H! + 1) + H! * V! + V!;
  },
});

const BertConfigSchema = z.strictObject({
  vocab_size: positive,
  hidden_size: positive,
  num_hidden_layers: positive,
  num_attention_heads: positive,
  intermediate_size: positive,
  max_position_embeddings: positive,
  type_vocab_size: positive,
  layer_norm_eps: z.number().positive(),
  dropout: z.number().min(0).lt(1),
  num_labels: z.number().int().min(2),
}).refine((c) => c.hidden_size % c.num_attention_heads === 0, {
  message: "must divide hidden_size",
  path: ["num_attention_heads"],
}) as never;

registerModel({
  name: "minilm",
  description:
    "MiniLM/BERT-style encoder (6 layers, 384 dims, 12 heads) with a classification head; loads all-MiniLM-L6-v2",
  family: "bert",
  task: "classification",
  defaults: {
    vocab_size: 30522,
    hidden_size: 384,
    num_hidden_layers: 6,
    num_attention_heads: 12,
    intermediate_size: 1536,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    dropout: 0.1,
    num_labels: 2,
  },
  schema: BertConfigSchema,
  create: (config, rng) => Bert.create(config as unknown as BertConfig, rng),
  countParams: (c) =>
    bertParamShapes(c as unknown as BertConfig).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0),
});
