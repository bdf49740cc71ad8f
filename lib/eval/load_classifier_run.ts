/**
 * Loads a trained classifier back from its run folder: the run's config,
 * its word tokenizer, its labels, its split manifest, and the weights of a
 * chosen checkpoint.
 *
 * @module
 */
import { join } from "node:path";
import { initBackend } from "../backend/mod.ts";
import { type CheckpointInfo, CheckpointManager } from "../checkpoint/mod.ts";
import type { RunConfig } from "../config/mod.ts";
import type { SplitManifest } from "../data/mod.ts";
import { type ClassificationModel, createModel, getModelEntry, resolveModelConfig, setWeights } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";
import { findRunDir, readNdjson } from "../telemetry/mod.ts";
import { WordTokenizer } from "../tokenizers/mod.ts";
import { readRunConfig } from "../train/mod.ts";

/** A classification run's model, ready to score texts. */
export interface ClassifierRun {
  /** The model with the checkpoint's weights. */
  model: ClassificationModel;
  /** The run's word tokenizer. */
  tokenizer: WordTokenizer;
  /** Class names in the model's output order. */
  labels: string[];
  /** The run's resolved config. */
  config: RunConfig;
  /** The checkpoint loaded. */
  checkpoint: CheckpointInfo;
  /** The run folder. */
  runDir: string;
  /** The run's split manifest (`split/split_manifest.json`). */
  split: SplitManifest;
}

/** The run's labels: from `summary.json`, or the start event of a run that did not finish. */
async function runLabels(runDir: string): Promise<string[]> {
  try {
    const summary = JSON.parse(await Deno.readTextFile(join(runDir, "summary.json")));
    if (Array.isArray(summary.labels)) return summary.labels;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const events = await readNdjson<{ kind: string; data?: { labels?: string[] } }>(join(runDir, "events.ndjson"));
  const labels = events.find((e) => e.kind === "start")?.data?.labels;
  if (!Array.isArray(labels)) {
    throw new Error(`Cannot load run ${runDir}: neither summary.json nor its start event names the labels`);
  }
  return labels;
}

/**
 * Loads classification run `run` (an id under `runsDir`, or a folder) at
 * checkpoint `which`: `best` (lowest validation loss, the default),
 * `latest`, or a folder name such as `step-000400`.
 *
 * @example
 * ```ts ignore
 * import { loadClassifierRun } from "./load_classifier_run.ts";
 * const { model, tokenizer, labels } = await loadClassifierRun("20261124-175143-f80e");
 * ```
 */
export async function loadClassifierRun(
  run: string,
  options: { which?: string; runsDir?: string } = {},
): Promise<ClassifierRun> {
  const { which = "best", runsDir = "artifacts/runs" } = options;
  const runDir = await findRunDir(runsDir, run);
  const config = await readRunConfig(runDir);
  const { name, ...keys } = config.model;
  if (getModelEntry(name).task !== "classification") {
    throw new RangeError(`Cannot load run ${runDir}: ${name} is not a classification model`);
  }
  await initBackend(config.backend);
  const tokPath = join(runDir, "tokenizer.json");
  const tokenizer = WordTokenizer.fromJSON(JSON.parse(await Deno.readTextFile(tokPath)), tokPath);
  const labels = await runLabels(runDir);
  const split = JSON.parse(await Deno.readTextFile(join(runDir, "split", "split_manifest.json"))) as SplitManifest;
  const ckpt = await new CheckpointManager(join(runDir, "checkpoints")).loadNamed(which);
  if (!ckpt) throw new Error(`Cannot load run ${runDir}: it has no checkpoint that passes verification`);
  const modelConfig = resolveModelConfig(name, { ...keys, vocab_size: tokenizer.vocabSize, num_labels: labels.length });
  const model = createModel(name, modelConfig, new Rng(0)) as ClassificationModel;
  setWeights(model, ckpt.weights, { source: ckpt.path });
  return {
    model,
    tokenizer,
    labels,
    config,
    checkpoint: { name: ckpt.name, path: ckpt.path, step: ckpt.step },
    runDir,
    split,
  };
}
