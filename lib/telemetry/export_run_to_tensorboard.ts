/**
 * Writes a run's TensorBoard event file from its NDJSON records, for runs
 * trained before TensorBoard was on (or with it off), and to rebuild the
 * file of a resumed run.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../io/mod.ts";
import type { EvalRecord, MetricRecord, RunInfo, SampleRecord, SystemRecord } from "./records.ts";
import {
  eventFileHost,
  eventFileName,
  fileVersionRecord,
  tensorboardRecords,
  wallTimeOf,
} from "./tensorboard_writer.ts";
import { readStepRecords } from "./_read_step_records.ts";
import { readTextIfExists } from "../io/mod.ts";

/** What an export wrote. */
export interface TensorboardExport {
  /** The event file. */
  path: string;
  /** Scalar events (metrics, system samples, evaluation results). */
  scalars: number;
  /** Text events (the config and samples). */
  texts: number;
  /** NDJSON lines left out: not JSON, torn, or without a numeric step (as queries skip them). */
  skippedLines: number;
  /** Older event files of the folder that the new one replaced. */
  replaced: string[];
}

/** Where to write. */
export interface TensorboardExportOptions {
  /** The folder of the event file (default: the run's `tb/`). Older event files in it are replaced. */
  outDir?: string;
  /** The host in the file name (default: this machine's, or `localhost`). */
  host?: string;
}

/**
 * Writes the event file of the run in `runDir` into `outDir` from its
 * records, whatever the run's status: the config as text, every metric,
 * system sample and evaluation result as a scalar, every sample as text.
 * The file is named after the run's start (`created_at`) and this host (or
 * keeps the name of the run's own file), is written atomically, and
 * replaces the other event files in `outDir`.
 */
export async function writeRunTensorboard(
  runDir: string,
  outDir: string,
  options: { host?: string } = {},
): Promise<TensorboardExport> {
  const info = JSON.parse(await Deno.readTextFile(join(runDir, "run.json"))) as RunInfo;
  const wallTime = wallTimeOf(info.created_at);
  const chunks: Uint8Array[] = [fileVersionRecord(wallTime)];
  let scalars = 0, texts = 0;
  const add = (records: Uint8Array[], kind: "scalar" | "text") => {
    for (const r of records) chunks.push(r);
    if (kind === "scalar") scalars += records.length;
    else texts += records.length;
  };
  const configYaml = await readTextIfExists(join(runDir, "config.yaml"));
  if (configYaml !== null) add(tensorboardRecords.config(configYaml, wallTime), "text");
  const [metrics, system, samples, evals] = await Promise.all([
    readStepRecords<MetricRecord>(join(runDir, "metrics.ndjson")),
    readStepRecords<SystemRecord>(join(runDir, "system.ndjson")),
    readStepRecords<SampleRecord>(join(runDir, "samples.ndjson")),
    readStepRecords<EvalRecord>(join(runDir, "eval", "metrics.ndjson")),
  ]);
  for (const r of metrics.records) add(tensorboardRecords.metric(r), "scalar");
  for (const r of system.records) add(tensorboardRecords.system(r), "scalar");
  for (const r of samples.records) add(tensorboardRecords.sample(r), "text");
  for (const r of evals.records) add(tensorboardRecords.eval(r), "scalar");

  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  await Deno.mkdir(outDir, { recursive: true });
  // Keep the name of the file the run started (its host may differ from this one's).
  const prefix = eventFileName(wallTime, "");
  let name = eventFileName(wallTime, options.host ?? eventFileHost());
  if (!options.host) {
    for await (const e of Deno.readDir(outDir)) {
      if (e.isFile && e.name.startsWith(prefix) && !e.name.includes(".tmp-")) name = e.name;
    }
  }
  const path = join(outDir, name);
  await writeFileAtomic(path, bytes);
  const replaced: string[] = [];
  for await (const e of Deno.readDir(outDir)) {
    if (e.isFile && e.name.startsWith("events.out.tfevents.") && e.name !== name) {
      await Deno.remove(join(outDir, e.name));
      replaced.push(e.name);
    }
  }
  return {
    path,
    scalars,
    texts,
    skippedLines: metrics.skipped + system.skipped + samples.skipped + evals.skipped,
    replaced: replaced.sort(),
  };
}

/**
 * Exports the run in `runDir` as a TensorBoard event file (see
 * `writeRunTensorboard`), by default into the run's own `tb/`, which
 * refuses a run that is still running (it writes that folder itself).
 *
 * @example
 * ```ts
 * import { exportRunToTensorboard } from "./export_run_to_tensorboard.ts";
 * const dir = await Deno.makeTempDir();
 * const run = { run_id: "r1", status: "finished", created_at: "2026-01-01T00:00:00.000Z" };
 * await Deno.writeTextFile(`${dir}/run.json`, JSON.stringify(run));
 * await Deno.writeTextFile(`${dir}/config.yaml`, "seed: 1\n");
 * const line = { schema_version: 1, run_id: "r1", step: 1, epoch: 0, split: "train", metric: "loss", value: 2.5,
 *   ts: "2026-01-01T00:00:01.000Z", tokens_seen: 64 };
 * await Deno.writeTextFile(`${dir}/metrics.ndjson`, JSON.stringify(line) + "\n");
 * const r = await exportRunToTensorboard(dir, { host: "box" });
 * await Deno.remove(dir, { recursive: true });
 * if (r.scalars !== 1 || r.texts !== 1 || !r.path.endsWith("/tb/events.out.tfevents.1767225600.box")) {
 *   throw new Error(JSON.stringify(r));
 * }
 * ```
 */
export async function exportRunToTensorboard(
  runDir: string,
  options: TensorboardExportOptions = {},
): Promise<TensorboardExport> {
  let info: RunInfo;
  try {
    info = JSON.parse(await Deno.readTextFile(join(runDir, "run.json")));
  } catch (err) {
    throw new Error(
      `Cannot export run to TensorBoard: ${join(runDir, "run.json")} cannot be read (${(err as Error).message})`,
    );
  }
  const own = join(runDir, "tb");
  const outDir = options.outDir ?? own;
  if (info.status === "running" && resolve(outDir) === resolve(own)) {
    throw new Error(
      `Cannot export run ${info.run_id} to TensorBoard: it is still running and writes ${own} itself ` +
        `(a run killed without ending also stays "running"); write elsewhere with --out DIR`,
    );
  }
  return await writeRunTensorboard(runDir, outDir, options.host ? { host: options.host } : {});
}
