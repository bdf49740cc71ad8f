/**
 * Loads a trained language model back from its run folder: the run's config,
 * its tokenizer, and the weights of a chosen checkpoint.
 *
 * @module
 */
import { join } from "node:path";
import { initBackend } from "../backend/mod.ts";
import { type CheckpointInfo, CheckpointManager } from "../checkpoint/mod.ts";
import type { RunConfig } from "../config/mod.ts";
import { createModel, isLanguageModel, type LanguageModel, resolveModelConfig, setWeights } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";
import { findRunDir } from "../telemetry/mod.ts";
import { loadTokenizer, type Tokenizer } from "../tokenizers/mod.ts";
import { readRunConfig } from "./train_lm.ts";

/** A run's model, ready to use. */
export interface RunModel {
  model: LanguageModel;
  tokenizer: Tokenizer;
  config: RunConfig;
  checkpoint: CheckpointInfo;
  runDir: string;
}

/**
 * Loads run `run` (an id under `outDir`, or a folder) at checkpoint `which`:
 * `best` (lowest validation loss), `latest`, or a folder name such as
 * `step-000400`. The checkpoint is verified first.
 *
 * @example
 * ```ts ignore
 * import { loadRunModel } from "./load_run_model.ts";
 * const { model, tokenizer } = await loadRunModel("20261124-154249-0447");
 * ```
 */
export async function loadRunModel(
  run: string,
  options: { which?: string; outDir?: string; backend?: string } = {},
): Promise<RunModel> {
  const { which = "best", outDir = "artifacts/runs" } = options;
  const runDir = await findRunDir(outDir, run);
  const config = await readRunConfig(runDir);
  await initBackend(options.backend ?? config.backend);
  const tokenizer = await loadTokenizer(join(runDir, "tokenizer.json"));
  const ckpt = await new CheckpointManager(join(runDir, "checkpoints")).loadNamed(which);
  if (!ckpt) throw new Error(`Cannot load run ${runDir}: it has no checkpoint that passes verification`);
  const { name, ...keys } = config.model;
  const model = createModel(name, resolveModelConfig(name, { ...keys, vocab_size: tokenizer.vocabSize }), new Rng(0));
  if (!isLanguageModel(model)) {
    model.dispose();
    throw new RangeError(`Cannot load run ${runDir}: ${name} is not a language model`);
  }
  setWeights(model, ckpt.weights, { source: ckpt.path });
  return { model, tokenizer, config, checkpoint: { name: ckpt.name, path: ckpt.path, step: ckpt.step }, runDir };
}
