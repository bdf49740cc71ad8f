/**
 * The run store: one folder per run under `artifacts/runs/<run_id>/`, with
 * `run.json` (rewritten atomically on every status change) and the NDJSON
 * record files, which only these writers write; with `tensorboard`, the same
 * records also go to a TensorBoard event file in `tb/`.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import { writeRunTensorboard } from "./export_run_to_tensorboard.ts";
import { NdjsonWriter, readNdjson } from "./ndjson_writer.ts";
import {
  type EventRecord,
  type MetricRecord,
  type RunInfo,
  type RunStatus,
  type SampleRecord,
  SCHEMA_VERSION,
  type SystemRecord,
} from "./records.ts";
import { tensorboardRecords, TensorboardWriter, wallTimeOf } from "./tensorboard_writer.ts";

/**
 * A sortable run id: UTC time plus 4 random hex digits (`20261123-201500-ab12`).
 *
 * @example
 * ```ts
 * import { newRunId } from "./run_store.ts";
 * const id = newRunId(new Date(Date.UTC(2026, 10, 23, 20, 15, 0)));
 * if (!/^20261123-201500-[0-9a-f]{4}$/.test(id)) throw new Error(id);
 * ```
 */
export function newRunId(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const day = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  const rand = [...crypto.getRandomValues(new Uint8Array(2))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${day}-${time}-${rand}`;
}

/**
 * The run ids under `outDir`, oldest first (folders that hold a `run.json`).
 *
 * @example
 * ```ts
 * import { listRunIds } from "./run_store.ts";
 * const outDir = await Deno.makeTempDir();
 * for (const id of ["20260102-000000-bbbb", "20260101-000000-aaaa"]) {
 *   await Deno.mkdir(`${outDir}/${id}`);
 *   await Deno.writeTextFile(`${outDir}/${id}/run.json`, "{}");
 * }
 * await Deno.mkdir(`${outDir}/not-a-run`);
 * const ids = await listRunIds(outDir);
 * await Deno.remove(outDir, { recursive: true });
 * if (ids.join() !== "20260101-000000-aaaa,20260102-000000-bbbb") throw new Error(ids.join());
 * if ((await listRunIds(`${outDir}/gone`)).length !== 0) throw new Error("a missing folder has no runs");
 * ```
 */
export async function listRunIds(outDir: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const e of Deno.readDir(outDir)) {
      if (!e.isDirectory) continue;
      try {
        await Deno.stat(join(outDir, e.name, "run.json"));
        ids.push(e.name);
      } catch {
        // not a run folder
      }
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return ids.sort();
}

/**
 * The folder of run `id` under `outDir` (`id` may also be a path to a run
 * folder). An unknown id is an error that lists the runs that exist.
 *
 * @example
 * ```ts
 * import { findRunDir } from "./run_store.ts";
 * const outDir = await Deno.makeTempDir();
 * await Deno.mkdir(`${outDir}/20260101-000000-aaaa`);
 * await Deno.writeTextFile(`${outDir}/20260101-000000-aaaa/run.json`, "{}");
 * const dir = await findRunDir(outDir, "20260101-000000-aaaa");
 * let message = "";
 * try {
 *   await findRunDir(outDir, "nope");
 * } catch (err) {
 *   message = (err as Error).message;
 * }
 * await Deno.remove(outDir, { recursive: true });
 * if (dir !== `${outDir}/20260101-000000-aaaa`) throw new Error(dir);
 * if (message !== `Cannot find run "nope" in ${outDir} (runs: 20260101-000000-aaaa)`) throw new Error(message);
 * ```
 */
export async function findRunDir(outDir: string, id: string): Promise<string> {
  for (const dir of [id, join(outDir, id)]) {
    try {
      await Deno.stat(join(dir, "run.json"));
      return dir;
    } catch (err) {
      // A folder the task may not read is not "not found": say which permission is missing.
      if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
        throw new Deno.errors.NotCapable(
          `Cannot read run "${id}": this task may not read ${dir} (its permissions cover the project folder only)`,
        );
      }
      // otherwise try the next form
    }
  }
  const ids = await listRunIds(outDir);
  const shown = ids.slice(-10).reverse();
  const more = ids.length > shown.length ? `, and ${ids.length - shown.length} older` : "";
  throw new RangeError(
    `Cannot find run "${id}" in ${outDir} (${ids.length ? `runs: ${shown.join(", ")}${more}` : "there are no runs"})`,
  );
}

/** What a new run records about itself. */
export interface CreateRunOptions {
  outDir: string;
  name: string;
  configHash: string;
  configYaml: string;
  seed: number;
  backend: string;
  versions: Record<string, string>;
  parent?: string | null;
  sweepId?: string | null;
  /** Also write the records to a TensorBoard event file in `tb/` (default false). */
  tensorboard?: boolean;
}

/** A tracker a run writes to, where, and why it is off or stopped (`error`, null while it works). */
export interface TrackerStatus {
  name: "ndjson" | "tensorboard";
  where: string;
  error: string | null;
}

/**
 * An open run: its folder, its writers, and its status.
 *
 * @example
 * ```ts
 * import { Run } from "./run_store.ts";
 * import { readNdjson } from "./ndjson_writer.ts";
 * const outDir = await Deno.makeTempDir();
 * const run = await Run.create({
 *   outDir, name: "demo", configHash: "0123456789abcdef", configYaml: "seed: 1\n",
 *   seed: 1, backend: "cpu", versions: { deno: Deno.version.deno },
 * });
 * run.metric({ step: 1, epoch: 0, split: "train", metric: "loss", value: 2.5, tokens_seen: 64 });
 * run.event("end", 1, "done");
 * await run.end("finished");
 * const metrics = await readNdjson<{ metric: string; value: number }>(`${run.dir}/metrics.ndjson`);
 * const info = JSON.parse(await Deno.readTextFile(`${run.dir}/run.json`));
 * await Deno.remove(outDir, { recursive: true });
 * if (info.status !== "finished" || metrics[0]?.value !== 2.5) throw new Error("run not recorded");
 * ```
 */
export class Run {
  readonly id: string;
  readonly dir: string;
  #info: RunInfo;
  #metrics: NdjsonWriter<MetricRecord>;
  #events: NdjsonWriter<EventRecord>;
  #samples: NdjsonWriter<SampleRecord>;
  #system: NdjsonWriter<SystemRecord>;
  #tb: TensorboardWriter | null = null;
  #tbStatus: TrackerStatus | null = null;

  private constructor(dir: string, info: RunInfo) {
    this.id = info.run_id;
    this.dir = dir;
    this.#info = info;
    this.#metrics = new NdjsonWriter(join(dir, "metrics.ndjson"));
    this.#events = new NdjsonWriter(join(dir, "events.ndjson"));
    this.#samples = new NdjsonWriter(join(dir, "samples.ndjson"));
    this.#system = new NdjsonWriter(join(dir, "system.ndjson"));
  }

  /** Creates the run folder with `run.json` (status `running`) and `config.yaml`. */
  static async create(o: CreateRunOptions): Promise<Run> {
    await Deno.mkdir(o.outDir, { recursive: true });
    let id = newRunId();
    let dir = join(o.outDir, id);
    for (;;) {
      try {
        await Deno.mkdir(dir);
        break;
      } catch (err) {
        if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
        id = newRunId();
        dir = join(o.outDir, id);
      }
    }
    const info: RunInfo = {
      schema_version: SCHEMA_VERSION,
      run_id: id,
      name: o.name,
      status: "running",
      created_at: new Date().toISOString(),
      ended_at: null,
      config_hash: o.configHash,
      seed: o.seed,
      backend: o.backend,
      versions: o.versions,
      parent: o.parent ?? null,
      sweep_id: o.sweepId ?? null,
      error: null,
    };
    await writeFileAtomic(join(dir, "config.yaml"), o.configYaml);
    await writeJsonAtomic(join(dir, "run.json"), info);
    const run = new Run(dir, info);
    if (o.tensorboard) {
      await run.#startTensorboard(() => {
        const wallTime = wallTimeOf(info.created_at);
        const w = TensorboardWriter.create(join(dir, "tb"), { wallTime });
        w.write(tensorboardRecords.config(o.configYaml, wallTime));
        w.flush();
        return Promise.resolve(w);
      });
    }
    return run;
  }

  // A tracker that fails to start is reported in `trackers`; the run goes on without it.
  async #startTensorboard(open: () => Promise<TensorboardWriter>): Promise<void> {
    this.#tbStatus = { name: "tensorboard", where: join(this.dir, "tb"), error: null };
    try {
      this.#tb = await open();
    } catch (err) {
      this.#tbStatus.error = `cannot start: ${(err as Error).message}`;
    }
  }

  // A write that fails stops TensorBoard (the file keeps its whole records); the run goes on.
  #toTensorboard(records: () => Uint8Array[], flush = false): void {
    if (!this.#tb) return;
    try {
      this.#tb.write(records());
      if (flush) this.#tb.flush();
    } catch (err) {
      const why = `stopped: ${(err as Error).message}`;
      this.#tbStatus = { name: "tensorboard", where: join(this.dir, "tb"), error: why };
      try {
        this.#tb.close();
      } catch {
        // already reported
      }
      this.#tb = null;
      console.warn(
        `warning: TensorBoard ${why}; the run goes on (deno task runs export --format tensorboard rebuilds the file)`,
      );
    }
  }

  /**
   * Reopens an existing run to continue it in place (resume): status back to
   * `running`, and records past `keepThroughStep` (written after the
   * checkpoint being resumed from) removed from the step-indexed files, so
   * each step appears once. Returns how many records were removed per file.
   */
  static async resume(
    dir: string,
    keepThroughStep: number,
    config: { configYaml: string; configHash: string; tensorboard?: boolean },
  ): Promise<{ run: Run; dropped: Record<string, number> }> {
    const infoPath = join(dir, "run.json");
    const info = JSON.parse(await Deno.readTextFile(infoPath)) as RunInfo;
    const dropped: Record<string, number> = {};
    for (const f of ["metrics.ndjson", "system.ndjson", "samples.ndjson"]) {
      const path = join(dir, f);
      const records = await readNdjson<{ step: number }>(path);
      const kept = records.filter((r) => r.step <= keepThroughStep);
      dropped[f] = records.length - kept.length;
      await writeFileAtomic(path, kept.map((r) => JSON.stringify(r) + "\n").join(""));
    }
    await writeFileAtomic(join(dir, "config.yaml"), config.configYaml);
    const reopened: RunInfo = {
      ...info,
      status: "running",
      ended_at: null,
      error: null,
      config_hash: config.configHash,
    };
    await writeJsonAtomic(infoPath, reopened);
    const run = new Run(dir, reopened);
    // The event file is rebuilt from the records kept, then continued.
    if (config.tensorboard) {
      await run.#startTensorboard(async () =>
        new TensorboardWriter((await writeRunTensorboard(dir, join(dir, "tb"))).path)
      );
    }
    return { run, dropped };
  }

  /** The current `run.json` contents. */
  get info(): Readonly<RunInfo> {
    return this.#info;
  }

  /** The trackers this run writes to: `ndjson` (the run folder) always, `tensorboard` (`tb/`) when asked for. */
  get trackers(): TrackerStatus[] {
    return [{ name: "ndjson", where: this.dir, error: null }, ...(this.#tbStatus ? [{ ...this.#tbStatus }] : [])];
  }

  /** Appends a metric value. */
  metric(r: Omit<MetricRecord, "schema_version" | "run_id" | "ts">): void {
    const record = { schema_version: SCHEMA_VERSION, run_id: this.id, ...r, ts: new Date().toISOString() };
    this.#metrics.write(record);
    this.#toTensorboard(() => tensorboardRecords.metric(record));
  }

  /** Appends an event. */
  event(kind: EventRecord["kind"], step: number, message: string, data: Record<string, unknown> = {}): void {
    this.#events.write({
      schema_version: SCHEMA_VERSION,
      run_id: this.id,
      ts: new Date().toISOString(),
      kind,
      step,
      message,
      data,
    });
  }

  /** Appends a generated sample. */
  sample(r: Omit<SampleRecord, "schema_version" | "run_id" | "ts">): void {
    const record = { schema_version: SCHEMA_VERSION, run_id: this.id, ...r, ts: new Date().toISOString() };
    this.#samples.write(record);
    this.#toTensorboard(() => tensorboardRecords.sample(record));
  }

  /** Appends a system sample. */
  system(r: SystemRecord): void {
    this.#system.write(r);
    this.#toTensorboard(() => tensorboardRecords.system(r));
  }

  /** Writes every buffered record to disk (done at each checkpoint and at the end). */
  flush(): void {
    for (const w of [this.#metrics, this.#events, this.#samples, this.#system]) w.flush();
    this.#toTensorboard(() => [], true);
  }

  /** Writes `summary.json`. */
  async writeSummary(summary: Record<string, unknown>): Promise<void> {
    await writeJsonAtomic(join(this.dir, "summary.json"), {
      schema_version: SCHEMA_VERSION,
      run_id: this.id,
      ...summary,
    });
  }

  /** Sets the final status (with the error, for `failed`) and closes the writers. */
  async end(status: Exclude<RunStatus, "running">, error: string | null = null): Promise<void> {
    this.#info = { ...this.#info, status, ended_at: new Date().toISOString(), error };
    await writeJsonAtomic(join(this.dir, "run.json"), this.#info);
    for (const w of [this.#metrics, this.#events, this.#samples, this.#system]) w.close();
    this.#toTensorboard(() => [], true);
    this.#tb?.close();
    this.#tb = null;
  }
}
