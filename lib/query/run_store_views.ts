/**
 * The views of the run store: their names, sources and typed columns. This
 * table is the contract: DuckDB builds each view with exactly these column
 * types, and the Kysely row types are derived from it.
 *
 * @module
 */

/** A DuckDB column type used by the views. */
export type ViewColumnType = "VARCHAR" | "INTEGER" | "BIGINT" | "DOUBLE" | "BOOLEAN" | "TIMESTAMP" | "JSON";

/**
 * A column: name, DuckDB type, and `true` when the column is never null (a
 * line or file without it, or with a value of the wrong type, is skipped).
 */
export type ViewColumn = readonly [name: string, type: ViewColumnType, notNull?: true];

/** One view: where its rows come from, and its columns in order. */
export interface ViewInfo {
  /** The files it reads, relative to the store folder. */
  readonly source: string;
  /** What one row is. */
  readonly description: string;
  readonly columns: readonly ViewColumn[];
}

/**
 * Every view of the run store. `source` globs are relative to the store
 * folder (default `artifacts/`).
 *
 * @example List the columns of `metrics`
 * ```ts
 * import { RUN_STORE_VIEWS } from "./run_store_views.ts";
 * console.log(RUN_STORE_VIEWS.metrics.columns.map(([name, type]) => `${name} ${type}`).join(", "));
 * ```
 */
export const RUN_STORE_VIEWS = {
  runs: {
    source: "runs/*/run.json",
    description: "one run (its run.json)",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR", true],
      ["name", "VARCHAR"],
      ["status", "VARCHAR"],
      ["created_at", "TIMESTAMP"],
      ["ended_at", "TIMESTAMP"],
      ["config_hash", "VARCHAR"],
      ["seed", "BIGINT"],
      ["backend", "VARCHAR"],
      ["versions", "JSON"],
      ["parent", "VARCHAR"],
      ["sweep_id", "VARCHAR"],
      ["error", "VARCHAR"],
    ],
  },
  metrics: {
    source: "runs/*/metrics.ndjson",
    description: "one value of one metric at one step",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR", true],
      ["step", "BIGINT", true],
      ["epoch", "DOUBLE"],
      ["split", "VARCHAR", true],
      ["metric", "VARCHAR", true],
      ["value", "DOUBLE"],
      ["ts", "TIMESTAMP"],
      ["tokens_seen", "BIGINT"],
    ],
  },
  system: {
    source: "runs/*/system.ndjson",
    description: "one system sample (every 2 s of training)",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR", true],
      ["ts", "TIMESTAMP", true],
      ["step", "BIGINT", true],
      ["cpu_percent", "DOUBLE"],
      ["rss_bytes", "BIGINT"],
      ["heap_used_bytes", "BIGINT"],
      ["load_avg_1m", "DOUBLE"],
      ["gpu_util_percent", "DOUBLE"],
      ["gpu_mem_used_bytes", "BIGINT"],
    ],
  },
  events: {
    source: "runs/*/events.ndjson",
    description: "one event: start, eval, checkpoint, resume, safety, error, end",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR", true],
      ["ts", "TIMESTAMP", true],
      ["kind", "VARCHAR", true],
      ["step", "BIGINT", true],
      ["message", "VARCHAR"],
      ["data", "JSON"],
    ],
  },
  evals: {
    source: "runs/*/eval/metrics.ndjson",
    description: "one result of deno task eval",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR", true],
      ["dataset", "VARCHAR", true],
      ["split", "VARCHAR", true],
      ["metric", "VARCHAR", true],
      ["value", "DOUBLE"],
      ["n", "BIGINT"],
      ["ci_low", "DOUBLE"],
      ["ci_high", "DOUBLE"],
      ["step", "BIGINT"],
      ["ts", "TIMESTAMP"],
    ],
  },
  samples: {
    source: "runs/*/samples.ndjson",
    description: "one generated sample",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR", true],
      ["step", "BIGINT", true],
      ["prompt", "VARCHAR"],
      ["text", "VARCHAR", true],
      ["seed", "BIGINT"],
      ["temperature", "DOUBLE"],
      ["top_k", "BIGINT"],
      ["ts", "TIMESTAMP"],
    ],
  },
  checkpoints: {
    source: "runs/*/checkpoints/step-*/{state,checksums}.json, runs/*/checkpoints/{latest,best}.json",
    description: "one checkpoint on disk (pruned ones are gone), with its size and the latest/best pointers",
    columns: [
      ["run_id", "VARCHAR", true],
      ["name", "VARCHAR", true],
      ["step", "BIGINT", true],
      ["epoch", "DOUBLE"],
      ["tokens_seen", "BIGINT"],
      ["val_loss", "DOUBLE"],
      ["best_val_loss", "DOUBLE"],
      ["config_hash", "VARCHAR"],
      ["size_bytes", "BIGINT"],
      ["is_latest", "BOOLEAN", true],
      ["is_best", "BOOLEAN", true],
      ["path", "VARCHAR", true],
    ],
  },
  safety_events: {
    source: "safety/events.ndjson",
    description: "one safety rule match (deno task safety, generation, data loading)",
    columns: [
      ["schema_version", "INTEGER"],
      ["ts", "TIMESTAMP", true],
      ["run_id", "VARCHAR"],
      ["rule_id", "VARCHAR", true],
      ["action", "VARCHAR", true],
      ["severity", "VARCHAR"],
      ["stage", "VARCHAR", true],
      ["hash", "VARCHAR"],
      ["excerpt", "VARCHAR"],
      ["bypassed", "BOOLEAN"],
    ],
  },
  status_findings: {
    source: "status/findings.ndjson",
    description: "one finding of the status report (deno task status)",
    columns: [
      ["schema_version", "INTEGER"],
      ["ts", "TIMESTAMP", true],
      ["kind", "VARCHAR", true],
      ["rule", "VARCHAR", true],
      ["severity", "VARCHAR", true],
      ["path", "VARCHAR"],
      ["line", "BIGINT"],
      ["symbol", "VARCHAR"],
      ["run_id", "VARCHAR"],
      ["value", "DOUBLE"],
      ["message", "VARCHAR", true],
    ],
  },
} as const satisfies Record<string, ViewInfo>;

/** The name of a view. */
export type RunStoreViewName = keyof typeof RUN_STORE_VIEWS;

type _TsType<T extends ViewColumnType> = T extends "VARCHAR" ? string
  : T extends "BOOLEAN" ? boolean
  : T extends "TIMESTAMP" ? Date
  : T extends "JSON" ? Record<string, unknown>
  : number;

type _Row<C extends readonly ViewColumn[]> = {
  -readonly [K in C[number] as K[0]]: _TsType<K[1]> | (K[2] extends true ? never : null);
};

/**
 * The row type of every view, derived from {@linkcode RUN_STORE_VIEWS}:
 * BIGINT, INTEGER and DOUBLE are numbers, TIMESTAMP a `Date`, JSON a parsed
 * object, and every column that may be null says so.
 */
export type RunStoreDatabase = { [V in RunStoreViewName]: _Row<(typeof RUN_STORE_VIEWS)[V]["columns"]> };
