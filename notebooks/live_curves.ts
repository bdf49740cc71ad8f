/**
 * Reactive cells in a plain script: a loss chart bound to a training run,
 * rewritten as `artifacts/notebook/loss.svg` each time the run appends to its
 * `metrics.ndjson`, and a text cell with the latest losses.
 *
 *   deno run -A notebooks/live_curves.ts                 # trains a tiny run itself and watches it
 *   deno run -A notebooks/live_curves.ts artifacts/runs/<run_id>   # watches a run `deno task train` is writing
 *   deno run -A notebooks/live_curves.ts latest          # the newest run under artifacts/runs
 *   deno run -A --watch notebooks/live_curves.ts latest  # and restart when this script (or mod.ts) changes
 *
 * The file cells keep the process alive and recompute only what depends on
 * the changed file; Deno's own --watch restarts the script when its code
 * changes. The script ends when the run is no longer "running".
 *
 * @module
 */
import {
  applyOverrides,
  DEFAULT_CONFIG,
  latestRunDir,
  type MetricRecord,
  modelPresets,
  notebook,
  type RunInfo,
  trainLanguageModel,
  watchRun,
} from "../mod.ts";

const nb = notebook(); // outside Jupyter: charts to artifacts/notebook/<cell>.svg, text printed
let training: Promise<unknown> | undefined;
let runDir = Deno.args[0];
if (runDir === "latest") {
  runDir = await latestRunDir("artifacts/runs");
  if (runDir === undefined) throw new Error("Cannot watch the latest run: artifacts/runs has no runs");
}
if (runDir === undefined) {
  const config = applyOverrides(DEFAULT_CONFIG, [
    "model=gpt-nano",
    "data.name=first-names",
    "model.block_size=32",
    "train.batch_size=8",
    "train.workers=1",
    "train.max_steps=200",
    "train.eval_interval=50",
    "train.eval_batches=2",
    "out_dir=artifacts/runs",
  ], { model: modelPresets() });
  let started!: (dir: string) => void;
  const dir = new Promise<string>((resolve) => (started = resolve));
  training = trainLanguageModel(config, { callbacks: { onTrainStart: (info) => started(info.dir) } });
  runDir = await dir;
}

console.log(`watching ${runDir}`);
await watchRun(nb, runDir, { name: "loss", interval: 250 });
await nb.cell("latest", ["loss_metrics"], (metrics: MetricRecord[]) => {
  const last = (split: string) => metrics.filter((m) => m.split === split && m.metric === "loss").at(-1);
  const train = last("train"), val = last("val");
  return `step ${train?.step ?? 0}: train ${train?.value.toFixed(3) ?? "-"}, val ${val?.value.toFixed(3) ?? "-"}`;
});

await training;
await nb.until<RunInfo | undefined>("loss_run", (run) => run !== undefined && run.status !== "running");
await nb.refresh();
console.log(`run ${nb.state<RunInfo>("loss_run").value?.status}; chart redrawn ${nb.state("loss").runs} times`);
nb.dispose();
