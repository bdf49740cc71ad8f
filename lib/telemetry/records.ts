/**
 * The record types of a run folder, one NDJSON file per type. Every record
 * carries `schema_version`; field types are fixed so DuckDB never guesses.
 *
 * @module
 */

/**
 * The version of every record layout below.
 *
 * @example
 * ```ts
 * import { checkRecord, SCHEMA_VERSION } from "./records.ts";
 * const r = { schema_version: SCHEMA_VERSION, run_id: "r", step: 1, epoch: 0, split: "train", metric: "loss", value: 2, ts: "t", tokens_seen: 0 };
 * if (checkRecord("metrics", r).length !== 0) throw new Error("should be valid");
 * ```
 */
export const SCHEMA_VERSION = 1;

/** Lifecycle of a run. */
export type RunStatus = "running" | "finished" | "failed" | "interrupted" | "pruned";

/** `run.json`. */
export interface RunInfo {
  schema_version: number;
  run_id: string;
  name: string;
  status: RunStatus;
  created_at: string;
  ended_at: string | null;
  config_hash: string;
  seed: number;
  backend: string;
  versions: Record<string, string>;
  parent: string | null;
  /** The sweep this run is a trial of (`deno task train -m ...`), or null. */
  sweep_id: string | null;
  error: string | null;
}

/** One value of one metric: `metrics.ndjson`. */
export interface MetricRecord {
  schema_version: number;
  run_id: string;
  step: number;
  epoch: number;
  split: string;
  metric: string;
  value: number;
  ts: string;
  tokens_seen: number;
}

/** Something that happened: `events.ndjson`. */
export interface EventRecord {
  schema_version: number;
  run_id: string;
  ts: string;
  kind: "start" | "checkpoint" | "eval" | "resume" | "safety" | "error" | "pruned" | "end";
  step: number;
  message: string;
  data: Record<string, unknown>;
}

/** A generation: `samples.ndjson`. */
export interface SampleRecord {
  schema_version: number;
  run_id: string;
  step: number;
  prompt: string;
  text: string;
  seed: number;
  temperature: number;
  top_k: number;
  ts: string;
}

/** An evaluation result: `eval/metrics.ndjson` (and the same columns in `eval/metrics.csv`). */
export interface EvalRecord {
  schema_version: number;
  run_id: string;
  dataset: string;
  split: string;
  metric: string;
  value: number;
  /** Examples the value is over (windows, for language models). */
  n: number;
  /** Bootstrap interval, or null when none was computed. */
  ci_low: number | null;
  ci_high: number | null;
  /** Training step of the evaluated checkpoint. */
  step: number;
  ts: string;
}

/** A system sample: `system.ndjson`. */
export interface SystemRecord {
  schema_version: number;
  run_id: string;
  ts: string;
  step: number;
  cpu_percent: number;
  rss_bytes: number;
  heap_used_bytes: number;
  load_avg_1m: number;
  /** GPU utilisation, mean over GPUs (`nvidia-smi`); null without one. */
  gpu_util_percent: number | null;
  /** GPU memory used, summed over GPUs; null without one. */
  gpu_mem_used_bytes: number | null;
}

const FIELDS: Record<string, Record<string, string>> = {
  metrics: {
    schema_version: "number",
    run_id: "string",
    step: "number",
    epoch: "number",
    split: "string",
    metric: "string",
    value: "number",
    ts: "string",
    tokens_seen: "number",
  },
  events: {
    schema_version: "number",
    run_id: "string",
    ts: "string",
    kind: "string",
    step: "number",
    message: "string",
    data: "object",
  },
  samples: {
    schema_version: "number",
    run_id: "string",
    step: "number",
    prompt: "string",
    text: "string",
    seed: "number",
    temperature: "number",
    top_k: "number",
    ts: "string",
  },
  evals: {
    schema_version: "number",
    run_id: "string",
    dataset: "string",
    split: "string",
    metric: "string",
    value: "number",
    n: "number",
    ci_low: "number?",
    ci_high: "number?",
    step: "number",
    ts: "string",
  },
  system: {
    schema_version: "number",
    run_id: "string",
    ts: "string",
    step: "number",
    cpu_percent: "number",
    rss_bytes: "number",
    heap_used_bytes: "number",
    load_avg_1m: "number",
    gpu_util_percent: "number?",
    gpu_mem_used_bytes: "number?",
  },
};

/** The record kinds stored as NDJSON. */
export type RecordKind = "metrics" | "events" | "samples" | "system" | "evals";

/**
 * Checks one record against its declared layout: exactly the declared
 * fields, each of its declared type, and the current schema version.
 * Returns the problems (empty when valid).
 *
 * @example
 * ```ts
 * import { checkRecord } from "./records.ts";
 * const ok = { schema_version: 1, run_id: "r", step: 1, epoch: 0, split: "val", metric: "loss", value: 2.1, ts: "t", tokens_seen: 64 };
 * if (checkRecord("metrics", ok).length !== 0) throw new Error("should be valid");
 * const problems = checkRecord("metrics", { ...ok, step: "1", extra: true });
 * if (problems.join("; ") !== 'metrics.step must be a number (got "1"); metrics has undeclared field extra') {
 *   throw new Error(problems.join("; "));
 * }
 * ```
 */
export function checkRecord(kind: RecordKind, record: unknown): string[] {
  const fields = FIELDS[kind]!;
  if (record === null || typeof record !== "object") return [`${kind} record is not an object`];
  const r = record as Record<string, unknown>;
  const problems: string[] = [];
  for (const [k, t] of Object.entries(fields)) {
    const v = r[k];
    // A metric value may be NaN or infinite (a diverged loss); JSON writes those as null.
    const ok = t === "number?"
      ? typeof v === "number" || v === null
      : t === "number"
      ? typeof v === "number" || (k === "value" && v === null)
      : typeof v === t && v !== null;
    if (!ok) problems.push(`${kind}.${k} must be a ${t} (got ${JSON.stringify(v)})`);
  }
  for (const k of Object.keys(r)) if (!(k in fields)) problems.push(`${kind} has undeclared field ${k}`);
  if (r.schema_version !== SCHEMA_VERSION) problems.push(`${kind}.schema_version must be ${SCHEMA_VERSION}`);
  return problems;
}
