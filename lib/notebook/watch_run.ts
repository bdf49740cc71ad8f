import { join } from "node:path";
import { lossCurves } from "../plot/loss_curves.ts";
import { listRunIds, type MetricRecord, type RunInfo } from "../telemetry/mod.ts";
import type { Notebook } from "./notebook.ts";

/** Options of {@linkcode watchRun}. */
export interface WatchRunOptions {
  /** The chart cell's name; its inputs are `<name>_metrics` and `<name>_run`. Default `"loss"`. */
  name?: string;
  /** Draws the chart from the metrics so far and `run.json` (undefined until it exists). Default: `lossCurves`. */
  chart?: (metrics: MetricRecord[], run: RunInfo | undefined) => unknown;
  /** Milliseconds between checks of the run's files. Default 500. */
  interval?: number;
}

/**
 * Binds a chart cell to a run folder: `<name>_metrics` follows the run's
 * `metrics.ndjson` as it grows, `<name>_run` its `run.json`, and `<name>`
 * redraws the loss curves (train and validation loss by step, the run id
 * and status in the title) each time. In Jupyter the chart is one output
 * that updates in place while the run trains, in this notebook or in a
 * terminal (`deno task train`); elsewhere it is rewritten as a file. The
 * folder may not exist yet. `await nb.until(name + "_run", (r) => r?.status
 * !== "running")` waits for the end.
 *
 * @example
 * ```ts ignore
 * import { latestRunDir, notebook, watchRun } from "../mod.ts";
 * const nb = notebook();
 * await watchRun(nb, (await latestRunDir("../artifacts/runs"))!);
 * ```
 */
export async function watchRun(nb: Notebook, runDir: string, options: WatchRunOptions = {}): Promise<void> {
  const name = options.name ?? "loss";
  const interval = options.interval ?? 500;
  const chart = options.chart ?? defaultChart;
  await nb.ndjson<MetricRecord>(`${name}_metrics`, join(runDir, "metrics.ndjson"), { interval });
  await nb.file<RunInfo>(`${name}_run`, join(runDir, "run.json"), (text) => JSON.parse(text) as RunInfo, {
    interval,
  });
  await nb.cell(
    name,
    [`${name}_metrics`, `${name}_run`],
    (metrics: MetricRecord[], run: RunInfo | undefined) => chart(metrics, run),
  );
}

function defaultChart(metrics: MetricRecord[], run: RunInfo | undefined): unknown {
  const losses = metrics
    .filter((m) => m.metric === "loss" && (m.split === "train" || m.split === "val"))
    .map((m) => ({ step: m.step, split: m.split, metric: m.metric, value: m.value }));
  const who = run === undefined ? "waiting for the run" : `${run.run_id} (${run.status})`;
  if (losses.length === 0) return `${who}: no losses yet`;
  const step = losses.reduce((s, m) => Math.max(s, m.step), 0);
  return lossCurves(losses, { title: `${who}, step ${step}` });
}

/**
 * The newest run folder under `runsDir` (run ids sort by time), or
 * undefined when there is none: the run `deno task train` is writing.
 *
 * @example
 * ```ts ignore
 * import { latestRunDir } from "../mod.ts";
 * console.log(await latestRunDir("artifacts/runs"));
 * ```
 */
export async function latestRunDir(runsDir: string = join("artifacts", "runs")): Promise<string | undefined> {
  const ids = await listRunIds(runsDir);
  const last = ids.sort().at(-1);
  return last === undefined ? undefined : join(runsDir, last);
}
