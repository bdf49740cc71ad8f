/**
 * The run config: its schema, its embedded default (the Moby-Dick char-level
 * GPT at nanoGPT's CPU preset), and validation with errors that name the key.
 *
 * @module
 */
import { z } from "zod";

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const positive = z.number().positive();

/** A resolved run config: what `config.yaml` in a run folder holds. */
export interface RunConfig {
  /** One seed drives weight init, batch sampling, dropout and generation. */
  seed: number;
  /**
   * Compute backend: auto (default: native when ONNX Runtime loads here, else
   * wasm), native (ONNX Runtime's CPU kernels), wasm, cpu (pure JS), or node
   * (tfjs-node, if installed).
   */
  backend: "auto" | "native" | "wasm" | "cpu" | "node";
  /** Run name, shown next to the run id. */
  name: string;
  /** Where runs are written. */
  out_dir: string;
  /** Start from these weights: a run id (its best checkpoint) or a checkpoint folder; "" trains from scratch. */
  init_from: string;
  data: {
    /** A dataset registry name. */
    name: string;
    /** The last fraction of the text is held out for validation (classification: val and test each). */
    val_fraction: number;
    /** Classification: tokens kept per example (after [CLS]); default 256. */
    max_tokens?: number;
    /** Classification on a local file: the field holding the text (default `text`). */
    text_field?: string;
    /** Classification on a local file: the field holding the label (default `label`). */
    label_field?: string;
  };
  /**
   * Language models: `char`, `bpe` (byte-level BPE trained on the training
   * split to `vocab_size`, default 1,024) or `gpt2` (the real GPT-2
   * encoding); classifiers: `word` (with `vocab_size`, default 8,192).
   */
  tokenizer: { name: "char" | "word" | "bpe" | "gpt2"; vocab_size?: number };
  /**
   * A model registry name and its architecture keys (the preset's, with
   * overrides); the model's own schema checks them when it is built.
   */
  model: { name: string; [key: string]: number | string | boolean };
  train: {
    max_steps: number;
    /** Windows per micro-batch. */
    batch_size: number;
    /** Micro-batches whose gradients are averaged into one step. */
    grad_accum_steps: number;
    /** Cores that share each batch (data parallelism over Deno Workers); 1 = the main thread only. */
    workers: number;
    optimizer: "adamw" | "sgd";
    /** SGD momentum (ignored by AdamW). */
    momentum: number;
    /** Learning-rate decay after warmup. */
    schedule: "cosine" | "linear" | "constant";
    /** Peak learning rate, reached after warmup. */
    lr: number;
    /** Learning rate at the end of the cosine decay. */
    min_lr: number;
    warmup_steps: number;
    weight_decay: number;
    beta1: number;
    beta2: number;
    eps: number;
    /** Global gradient-norm clip (0 turns it off). */
    grad_clip: number;
    /** Evaluate (and checkpoint) every this many steps, and at the end. */
    eval_interval: number;
    /** Batches per periodic evaluation (the last one covers the whole split). */
    eval_batches: number;
    /** Throughput every this many steps (system samples are taken every few seconds). */
    log_interval: number;
    /** Stop after this many evaluations without a better val loss (0 turns it off). */
    early_stopping_patience: number;
    /** Keep the newest this many checkpoints (0 keeps all). */
    keep_last: number;
    /** Also keep the best this many checkpoints by val loss. */
    keep_best: number;
    /** Free-form labels for the run (`+train.tags=[baseline,char]`). */
    tags?: string[];
  };
  /** Safety filters on the training data and the generated sample. */
  safety: {
    enabled: boolean;
    /** A policy file; "" uses the default pack (configs/safety/policy.yaml or CODEX_SAFETY_POLICY). */
    policy: string;
  };
  /** Trackers beside the run store's NDJSON files. */
  tracking: {
    /** Write a TensorBoard event file in the run's `tb/` as training goes. */
    tensorboard: boolean;
  };
  /** How `deno task eval` scores the run by default. */
  eval: {
    /** Bootstrap resamples; absent (`~eval.bootstrap`) means no intervals. */
    bootstrap?: number;
    method: "percentile" | "bca";
    level: number;
  };
  /** LoRA fine-tuning: adapters on matching dense layers, base frozen (r = 0 turns it off). */
  lora: {
    r: number;
    alpha: number;
    dropout: number;
    /** Comma-separated substrings of layer names (`attn.c_attn,mlp.c_fc`). */
    targets: string;
  };
  sample: {
    max_new_tokens: number;
    temperature: number;
    /** Keep only the k most likely tokens (0 keeps all). */
    top_k: number;
    prompt: string;
  };
}

/**
 * The schema every resolved run config satisfies.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONFIG, RunConfigSchema } from "./run_config.ts";
 * if (!RunConfigSchema.safeParse(DEFAULT_CONFIG).success) throw new Error("default should pass");
 * const bad = { ...DEFAULT_CONFIG, seed: 1.5 };
 * if (RunConfigSchema.safeParse(bad).success) throw new Error("a fractional seed should fail");
 * ```
 */
export const RunConfigSchema: z.ZodType<RunConfig> = (z.strictObject({
  /** One seed drives weight init, batch sampling, dropout and generation. */
  seed: z.number().int(),
  /** Compute backend: auto (default), native, wasm, cpu, or node (tfjs-node, if installed). */
  backend: z.enum(["auto", "native", "wasm", "cpu", "node"]),
  /** Run name, shown next to the run id. */
  name: z.string(),
  /** Where runs are written. */
  out_dir: z.string().min(1),
  init_from: z.string(),
  data: z.strictObject({
    name: z.string().min(1),
    /** The last fraction of the text is held out for validation. */
    val_fraction: z.number().gt(0).lt(1),
    max_tokens: z.number().int().positive().optional(),
    text_field: z.string().min(1).optional(),
    label_field: z.string().min(1).optional(),
  }),
  tokenizer: z.strictObject({
    name: z.enum(["char", "word", "bpe", "gpt2"]),
    vocab_size: z.number().int().min(4).optional(),
  }),
  model: z.object({ name: z.string().min(1) }).catchall(z.union([z.number(), z.string(), z.boolean()])),
  train: z.strictObject({
    max_steps: posInt,
    batch_size: posInt,
    grad_accum_steps: posInt,
    workers: z.number().int().min(1).max(64),
    optimizer: z.enum(["adamw", "sgd"]),
    momentum: z.number().min(0).lt(1),
    schedule: z.enum(["cosine", "linear", "constant"]),
    lr: positive,
    min_lr: z.number().min(0),
    warmup_steps: nonNegInt,
    weight_decay: z.number().min(0),
    beta1: z.number().min(0).lt(1),
    beta2: z.number().min(0).lt(1),
    eps: positive,
    grad_clip: z.number().min(0),
    eval_interval: posInt,
    eval_batches: posInt,
    log_interval: posInt,
    early_stopping_patience: nonNegInt,
    keep_last: nonNegInt,
    keep_best: nonNegInt,
    tags: z.array(z.string()).optional(),
  }),
  safety: z.strictObject({ enabled: z.boolean(), policy: z.string() }),
  tracking: z.strictObject({ tensorboard: z.boolean() }),
  eval: z.strictObject({
    bootstrap: nonNegInt.optional(),
    method: z.enum(["percentile", "bca"]),
    level: z.number().gt(0).lt(1),
  }),
  lora: z.strictObject({
    r: nonNegInt,
    alpha: positive,
    dropout: z.number().min(0).lt(1),
    // A list (`lora.targets=[attn.c_attn,mlp.c_fc]`) or one comma-separated string.
    targets: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).transform((a) => a.join(","))]),
  }),
  sample: z.strictObject({
    max_new_tokens: nonNegInt,
    temperature: positive,
    top_k: nonNegInt,
    prompt: z.string(),
  }),
})) as unknown as z.ZodType<RunConfig>;

/**
 * The embedded default: what `deno task train` runs with no arguments.
 * Values follow nanoGPT's shakespeare-char CPU preset, with the schedule
 * shortened to fit three minutes on two cores.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONFIG } from "./run_config.ts";
 * if (DEFAULT_CONFIG.model.name !== "gpt-micro" || DEFAULT_CONFIG.data.name !== "moby-dick") {
 *   throw new Error("unexpected default");
 * }
 * ```
 */
export const DEFAULT_CONFIG: RunConfig = {
  seed: 1337,
  backend: "auto",
  name: "moby-char-gpt",
  out_dir: "artifacts/runs",
  init_from: "",
  data: { name: "moby-dick", val_fraction: 0.1 },
  tokenizer: { name: "char" },
  model: { name: "gpt-micro", n_layer: 4, n_head: 4, n_embd: 128, block_size: 64, dropout: 0 },
  train: {
    max_steps: 2500,
    batch_size: 12,
    grad_accum_steps: 1,
    workers: 2,
    optimizer: "adamw",
    momentum: 0.9,
    schedule: "cosine",
    lr: 2e-3,
    min_lr: 2e-4,
    warmup_steps: 50,
    weight_decay: 0.1,
    beta1: 0.9,
    beta2: 0.99,
    eps: 1e-8,
    grad_clip: 1.0,
    eval_interval: 250,
    eval_batches: 20,
    log_interval: 10,
    early_stopping_patience: 0,
    keep_last: 2,
    keep_best: 1,
  },
  lora: { r: 0, alpha: 16, dropout: 0, targets: "attn.c_attn" },
  safety: { enabled: false, policy: "" },
  tracking: { tensorboard: true },
  eval: { bootstrap: 1000, method: "percentile", level: 0.95 },
  sample: { max_new_tokens: 300, temperature: 0.8, top_k: 0, prompt: "\n" },
};

/**
 * Validates a config; the error names the key, what was expected and what was found.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONFIG, validateRunConfig } from "./run_config.ts";
 * const bad = { ...DEFAULT_CONFIG, train: { ...DEFAULT_CONFIG.train, lr: -1 } };
 * let message = "";
 * try {
 *   validateRunConfig(bad, "my.yaml");
 * } catch (err) {
 *   message = (err as Error).message;
 * }
 * if (!message.startsWith("Cannot load my.yaml: train.lr ")) throw new Error(message);
 * ```
 */
export function validateRunConfig(value: unknown, source = "config"): RunConfig {
  const r = RunConfigSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.join(".");
  let found: unknown = value;
  for (const k of issue.path) found = (found as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  const what = describeIssue(issue as unknown as Record<string, unknown>);
  throw new TypeError(
    `Cannot load ${source}: ${path || "(root)"} ${what}${
      issue.code === "unrecognized_keys" ? "" : ` (got ${found === undefined ? "nothing" : JSON.stringify(found)})`
    }`,
  );
}

function describeIssue(i: Record<string, unknown>): string {
  const bound = (v: unknown) => (typeof v === "bigint" ? v.toString() : String(v));
  switch (i.code) {
    case "invalid_type":
      return i.expected === "int" ? "must be an integer" : `must be a ${i.expected}`;
    case "too_small":
      return `must be ${i.inclusive ? "at least" : "greater than"} ${bound(i.minimum)}`;
    case "too_big":
      return `must be ${i.inclusive ? "at most" : "less than"} ${bound(i.maximum)}`;
    case "invalid_value":
      return `must be one of ${(i.values as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `has unknown key(s) ${(i.keys as string[]).join(", ")}`;
    default:
      return String(i.message);
  }
}
