/**
 * codex: an offline-first, reproducible machine-learning workbench for
 * TypeScript on Deno. This module is the one public door: every area's API
 * is re-exported here.
 *
 * @example Train a tiny GPT on first names and read its validation loss
 * ```ts ignore
 * import { applyOverrides, DEFAULT_CONFIG, modelPresets, trainLanguageModel } from "./mod.ts";
 * const config = applyOverrides(
 *   DEFAULT_CONFIG,
 *   ["model=gpt-nano", "data.name=first-names", "train.max_steps=100", "out_dir=/tmp/codex-runs"],
 *   { model: modelPresets() },
 * );
 * const result = await trainLanguageModel(config);
 * console.log(result.final_val_loss, result.dir);
 * ```
 *
 * @module
 */
export * from "./lib/random/mod.ts";
export * from "./lib/io/mod.ts";
export * from "./lib/config/mod.ts";
export * from "./lib/data/mod.ts";
export * from "./lib/tokenizers/mod.ts";
export * from "./lib/backend/mod.ts";
export * from "./lib/models/mod.ts";
export * from "./lib/checkpoint/mod.ts";
export * from "./lib/telemetry/mod.ts";
export * from "./lib/train/mod.ts";
export * from "./lib/cli/mod.ts";
export * from "./lib/eval/mod.ts";
export * from "./lib/export/mod.ts";
export * from "./lib/safety/mod.ts";
export * from "./lib/query/mod.ts";
export * from "./lib/plot/mod.ts";
export * from "./lib/status/mod.ts";
export * from "./lib/notebook/mod.ts";
