// Shared by the training tests: a tiny, fast run config and reading losses back.
import { join } from "node:path";
import { applyOverrides, DEFAULT_CONFIG, type RunConfig } from "../config/mod.ts";
import { modelPresets } from "../models/mod.ts";
import { type MetricRecord, readNdjson } from "../telemetry/mod.ts";

/** gpt-nano on first names, one core, context 32, batch 8: a run takes a second or two. */
export function tinyConfig(outDir: string, extra: string[] = []): RunConfig {
  return applyOverrides(DEFAULT_CONFIG, [
    "model=gpt-nano",
    "train.workers=1",
    "data.name=first-names",
    "model.block_size=32",
    "train.batch_size=8",
    "train.eval_batches=2",
    "sample.max_new_tokens=10",
    `out_dir=${outDir}`,
    ...extra,
  ], { model: modelPresets() });
}

/** The train losses of a run folder, by step order. */
export async function trainLosses(dir: string): Promise<number[]> {
  const m = await readNdjson<MetricRecord>(join(dir, "metrics.ndjson"));
  return m.filter((r) => r.split === "train" && r.metric === "loss").map((r) => r.value);
}
