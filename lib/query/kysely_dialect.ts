/**
 * A typed query builder over the run store: Kysely with a small dialect of
 * our own (Kysely's Postgres adapter and compiler, whose `$1` parameters
 * DuckDB understands, and a driver over `@duckdb/node-api`). kysely-duckdb
 * needs Kysely 0.28; this works with 0.29. `RunStoreDatabase` types every
 * view, so a wrong column name is a compile error.
 *
 * @module
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";
import type { RunStore } from "./open_run_store.ts";

/** `runs`. */
export interface RunsView {
  schema_version: number;
  run_id: string;
  name: string;
  status: "running" | "finished" | "failed" | "interrupted";
  created_at: Date;
  ended_at: Date | null;
  config_hash: string;
  seed: number;
  backend: string;
  versions: string;
  parent: string | null;
  sweep_id: string | null;
  error: string | null;
}

/** `metrics`. */
export interface MetricsView {
  schema_version: number;
  run_id: string;
  step: number;
  epoch: number;
  split: string;
  metric: string;
  value: number;
  ts: Date;
  tokens_seen: number;
}

/** `system`. */
export interface SystemView {
  schema_version: number;
  run_id: string;
  ts: Date;
  step: number;
  cpu_percent: number;
  rss_bytes: number;
  heap_used_bytes: number;
  load_avg_1m: number;
}

/** `events`. */
export interface EventsView {
  schema_version: number;
  run_id: string;
  ts: Date;
  kind: string;
  step: number;
  message: string;
  data: string;
}

/** `evals`. */
export interface EvalsView {
  schema_version: number;
  run_id: string;
  dataset: string;
  split: string;
  metric: string;
  value: number;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
  step: number;
  ts: Date;
}

/** `samples`. */
export interface SamplesView {
  schema_version: number;
  run_id: string;
  step: number;
  prompt: string;
  text: string;
  seed: number;
  temperature: number;
  top_k: number;
  ts: Date;
}

/** `checkpoints`. */
export interface CheckpointsView {
  run_id: string;
  name: string;
  step: number;
  epoch: number;
  tokens_seen: number;
  val_loss: number | null;
  best_val_loss: number | null;
  config_hash: string;
}

/** `safety_events`. */
export interface SafetyEventsView {
  schema_version: number;
  ts: Date;
  run_id: string | null;
  rule_id: string;
  action: string;
  severity: string;
  stage: string;
  hash: string;
  excerpt: string;
  bypassed: boolean;
}

/** `status_findings`. */
export interface StatusFindingsView {
  schema_version: number;
  ts: Date;
  kind: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

/** Every view of the run store, typed. */
export interface RunStoreDatabase {
  runs: RunsView;
  metrics: MetricsView;
  system: SystemView;
  events: EventsView;
  evals: EvalsView;
  samples: SamplesView;
  checkpoints: CheckpointsView;
  safety_events: SafetyEventsView;
  status_findings: StatusFindingsView;
}

class StoreConnection implements DatabaseConnection {
  constructor(private readonly store: RunStore) {}
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    // Postgres-style $1, $2 parameters become DuckDB's named $p1, $p2.
    const sql = q.sql.replace(/\$(\d+)/g, "$p$1");
    const params = Object.fromEntries(q.parameters.map((v, i) => [`p${i + 1}`, v]));
    return { rows: await this.store.query(sql, params) as R[] };
  }
  // deno-lint-ignore require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Cannot stream: the run store answers whole queries");
  }
}

class StoreDriver implements Driver {
  constructor(private readonly store: RunStore) {}
  async init(): Promise<void> {}
  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new StoreConnection(this.store));
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/**
 * A Kysely instance over an open run store.
 *
 * @example
 * ```ts ignore
 * const db = runStoreKysely(await openRunStore());
 * const best = await db.selectFrom("metrics").select(["run_id", "value"]).where("split", "=", "val").execute();
 * ```
 */
export function runStoreKysely(store: RunStore): Kysely<RunStoreDatabase> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new StoreDriver(store),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  return new Kysely<RunStoreDatabase>({ dialect });
}
