/**
 * `openRunStore(dir)`: DuckDB over a run store, with typed views and the
 * helpers users reach for first. Queries take parameters (`$name`), never
 * string concatenation.
 *
 * @module
 */
import { VIEWS, viewSql } from "./run_store_db.ts";

/** A row: column name to value (BIGINT as number when it fits, TIMESTAMP as Date, JSON as text). */
export type Row = Record<string, unknown>;

/** An open store. */
export interface RunStore {
  /** The store's folder. */
  readonly dir: string;
  /** Runs SQL against the views (`runs`, `metrics`, `system`, `events`, `evals`, `samples`, `checkpoints`, `safety_events`, `status_findings`). */
  query(sql: string, params?: Record<string, unknown>): Promise<Row[]>;
  /** Each run's last value of a metric (default split `val`), for the given runs. */
  compareRuns(runIds: string[], metric: string, split?: string): Promise<Row[]>;
  /** The k runs with the best final value of a metric (lowest for `min`). */
  bestRuns(metric: string, k?: number, options?: { split?: string; mode?: "min" | "max" }): Promise<Row[]>;
  /** A run's last value of a metric, or null. */
  lastValue(runId: string, metric: string, split?: string): Promise<number | null>;
  /** `(run_id, step, value)` rows of a metric for the runs, in step order. */
  curves(runIds: string[], metric: string, split?: string): Promise<Row[]>;
  /** Closes the connection. */
  close(): void;
}

function jsValue(v: unknown): unknown {
  if (typeof v === "bigint") {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  return v;
}

/**
 * Opens the run store in `dir` (default `artifacts`, whose `runs/` holds the runs).
 *
 * @example
 * ```ts ignore
 * import { openRunStore } from "./open_run_store.ts";
 * const store = await openRunStore();
 * console.log(await store.query("SELECT run_id, min(value) AS best FROM metrics WHERE metric = 'loss' AND split = 'val' GROUP BY run_id"));
 * store.close();
 * ```
 */
export async function openRunStore(dir = "artifacts"): Promise<RunStore> {
  let mod: typeof import("@duckdb/node-api");
  try {
    mod = await import("@duckdb/node-api");
  } catch (err) {
    throw new Error(
      `Cannot open run store: DuckDB did not load (${(err as Error).message.split("\n")[0]}); it needs --allow-ffi`,
    );
  }
  const db = await mod.DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const refresh = async () => {
    // Views are re-created before each query, so runs written since open appear.
    for (const name of Object.keys(VIEWS)) await conn.run(await viewSql(dir, name));
  };
  const query = async (sql: string, params: Record<string, unknown> = {}): Promise<Row[]> => {
    await refresh();
    try {
      const r = await conn.runAndReadAll(sql, params as never);
      return r.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsValue(v)])));
    } catch (err) {
      throw new SyntaxError(`Cannot run query: ${(err as Error).message}`);
    }
  };
  const last = `SELECT run_id, arg_max(value, step) AS value, max(step) AS step FROM metrics
    WHERE metric = $metric AND split = $split`;
  return {
    dir,
    query,
    compareRuns: (runIds, metric, split = "val") =>
      query(
        `${last} AND list_contains(string_split($ids, chr(31)), run_id) GROUP BY run_id ORDER BY value`,
        { metric, split, ids: runIds.join("\u001f") },
      ),
    bestRuns: (metric, k = 5, o = {}) =>
      query(
        `${last} GROUP BY run_id ORDER BY value ${o.mode === "max" ? "DESC" : "ASC"} LIMIT $k`,
        { metric, split: o.split ?? "val", k },
      ),
    lastValue: async (runId, metric, split = "val") => {
      const rows = await query(`${last} AND run_id = $run GROUP BY run_id`, { metric, split, run: runId });
      return rows.length ? rows[0]!.value as number : null;
    },
    curves: (runIds, metric, split = "train") =>
      query(
        `SELECT run_id, step, value FROM metrics WHERE metric = $metric AND split = $split AND list_contains(string_split($ids, chr(31)), run_id) ORDER BY run_id, step`,
        { metric, split, ids: runIds.join("\u001f") },
      ),
    close: () => conn.closeSync(),
  };
}
