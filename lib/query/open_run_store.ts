/**
 * `openRunStore(dir)`: an in-process DuckDB over a run store, with typed
 * views over every run and the helpers users reach for first. Queries take
 * parameters, never string concatenation.
 *
 * @module
 */
import type { DuckDBConnection, DuckDBType, DuckDBValue } from "@duckdb/node-api";
import type { Kysely } from "kysely";
import { join } from "node:path";
import { cacheSources, sweepCache } from "./_parquet_cache.ts";
import { listQuery, sourcePath, sourceRows, SOURCES, sqlString, viewStatements } from "./_view_sql.ts";
import type { RunStoreDatabase, RunStoreViewName } from "./run_store_views.ts";
import { runStoreKysely } from "./run_store_kysely.ts";

/**
 * A result row: column name to value. BIGINT is a number when it fits in
 * one (a `bigint` otherwise), TIMESTAMP a `Date`, JSON a parsed value.
 */
export type Row = Record<string, unknown>;

/** Query parameters: by name for `$name`, or in order for `$1` and `?`. */
export type QueryParams = Readonly<Record<string, unknown>> | readonly unknown[];

/** A run's last value of a metric, and the step it was recorded at. */
export interface RunValue {
  run_id: string;
  /** Null when the last value was not a number (a diverged loss is written as null). */
  value: number | null;
  step: number;
}

/** One point of a metric's curve. */
export interface CurvePoint {
  run_id: string;
  step: number;
  value: number | null;
}

/** A file with lines (or, for a JSON file, the whole file) that queries skip. */
export interface SkippedInFile {
  view: RunStoreViewName;
  file: string;
  /** `line` for NDJSON files, `file` for files holding one JSON document. */
  unit: "line" | "file";
  /** Lines (or 1 for a JSON file) skipped: not JSON, torn, or a required field missing or mistyped. */
  skipped: number;
  /** Lines read in all (1 for a JSON file). */
  total: number;
  /** The file does not end with a newline: its last line was torn by a killed writer. */
  tornEnd: boolean;
}

/** What {@linkcode RunStore.check} found. */
export interface StoreCheck {
  /** Files the views read. */
  files: number;
  /** Files with skipped lines, by path. */
  skipped: SkippedInFile[];
}

/** Options of {@linkcode openRunStore}. */
export interface RunStoreOptions {
  /**
   * Read NDJSON files of 1 MiB or more through Parquet copies in
   * `DIR/.query-cache/` (default true; off by itself when DIR cannot be
   * written). A copy is made the first time a file is queried and again
   * whenever the file changes.
   */
  cache?: boolean;
}

/** An open run store. */
export interface RunStore {
  /** The store's folder (its `runs/` holds the runs). */
  readonly dir: string;
  /** Typed queries over the views: a wrong view or column name is a compile error. */
  readonly db: Kysely<RunStoreDatabase>;
  /**
   * Runs SQL against the views `runs`, `metrics`, `system`, `events`,
   * `evals`, `samples`, `checkpoints`, `safety_events` and `status_findings`
   * and returns the rows of the last statement. A DuckDB error is thrown with
   * DuckDB's message (which points at the position); a parse error as a
   * `SyntaxError`.
   */
  query(sql: string, params?: QueryParams): Promise<Row[]>;
  /** Like {@linkcode RunStore.query}, but yields the rows in chunks (about 2,048 rows each). */
  stream(sql: string, params?: QueryParams): AsyncGenerator<Row[], void, undefined>;
  /** Each of `runIds`'s last value of a metric (default split `val`), best (lowest) first. */
  compareRuns(runIds: readonly string[], metric: string, split?: string): Promise<RunValue[]>;
  /** The `k` runs whose last value of a metric is best: lowest with `mode: "min"` (default), highest with `"max"`. */
  bestRuns(metric: string, k?: number, options?: { split?: string; mode?: "min" | "max" }): Promise<RunValue[]>;
  /** A run's last value of a metric (default split `val`); null when it has none. */
  lastValue(runId: string, metric: string, split?: string): Promise<number | null>;
  /** Every value of a metric (default split `train`) for the runs, by run and step. */
  curves(runIds: readonly string[], metric: string, split?: string): Promise<CurvePoint[]>;
  /** Counts what queries skip, per file (what `deno task runs doctor` prints). */
  check(): Promise<StoreCheck>;
  /** Closes the connection. */
  close(): void;
}

type _DuckDB = typeof import("@duckdb/node-api");

function _queryError(err: unknown): Error {
  const message = `Cannot run query: ${err instanceof Error ? err.message : String(err)}`;
  return message.startsWith("Cannot run query: Parser Error") ? new SyntaxError(message) : new Error(message);
}

// JS values to DuckDB values: Dates become TIMESTAMPs, arrays LISTs (an
// empty array a VARCHAR[]); node-api types the rest itself. No parameters:
// no prepared statement.
function _params(mod: _DuckDB, params: QueryParams): {
  values?: DuckDBValue[] | Record<string, DuckDBValue>;
  types?: DuckDBType[] | Record<string, DuckDBType | undefined>;
} {
  const convert = (v: unknown, key: string): [DuckDBValue, DuckDBType | undefined] => {
    if (v === undefined) throw new TypeError(`Cannot run query: parameter ${key} is undefined`);
    if (v instanceof Date) return [mod.timestampValue(BigInt(v.getTime()) * 1000n), mod.TIMESTAMP];
    if (Array.isArray(v)) {
      const items = v.map((x, i) => convert(x, `${key}[${i}]`)[0]);
      return [mod.listValue(items), items.length ? undefined : mod.LIST(mod.VARCHAR)];
    }
    if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) {
      throw new TypeError(`Cannot run query: parameter ${key} is an object (pass its fields, or JSON text)`);
    }
    return [v as DuckDBValue, undefined];
  };
  const entries = Array.isArray(params)
    ? params.map((v, i) => [String(i + 1), v] as const)
    : Object.entries(params as Record<string, unknown>);
  if (entries.length === 0) return {};
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType | undefined> = {};
  for (const [k, v] of entries) [values[k], types[k]] = convert(v, `$${k}`);
  // Positional parameters bind by index; node-api takes them as arrays and
  // infers the type where an entry is undefined.
  if (Array.isArray(params)) {
    return { values: entries.map(([k]) => values[k]!), types: entries.map(([k]) => types[k]) as DuckDBType[] };
  }
  return { values, types };
}

function _rows(names: string[], types: DuckDBType[], rows: unknown[][]): Row[] {
  const keys: string[] = [];
  for (const n of names) keys.push(keys.includes(n) ? `${n}:${keys.length}` : n);
  const json = types.map((t) => t.alias === "JSON");
  return rows.map((r) => {
    const o: Row = {};
    r.forEach((v, i) => {
      if (typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
        v = Number(v);
      } else if (json[i] && typeof v === "string") v = JSON.parse(v);
      o[keys[i]!] = v;
    });
    return o;
  });
}

/**
 * Opens the run store in `dir` (default `artifacts`). DuckDB is native: the
 * process needs `--allow-ffi` (and read access to the store). Views are
 * brought up to date before every query, so runs written since the store was
 * opened appear; a view whose files do not exist yet is empty.
 *
 * @example The best validation loss of every run
 * ```ts ignore
 * import { openRunStore } from "./open_run_store.ts";
 * const store = await openRunStore();
 * console.log(await store.query(
 *   "SELECT run_id, min(value) AS best FROM metrics WHERE split = $split AND metric = 'loss' GROUP BY run_id",
 *   { split: "val" },
 * ));
 * store.close();
 * ```
 */
export async function openRunStore(dir = "artifacts", options: RunStoreOptions = {}): Promise<RunStore> {
  let mod: _DuckDB;
  try {
    mod = await import("@duckdb/node-api");
  } catch (err) {
    throw new Error(
      `Cannot open run store: DuckDB did not load (${(err as Error).message.split("\n")[0]}); it needs --allow-ffi`,
    );
  }
  const instance = await mod.DuckDBInstance.create(":memory:");
  const conn: DuckDBConnection = await instance.connect();

  // One statement at a time on the connection.
  let tail: Promise<void> = Promise.resolve();
  const acquire = async (): Promise<() => void> => {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const previous = tail;
    tail = previous.then(() => next);
    await previous;
    return release;
  };

  let cacheDir: string | null = options.cache === false ? null : join(dir, ".query-cache");
  let viewsKey = "", db: Kysely<RunStoreDatabase> | undefined;
  const pathHashes = new Map<string, string>();
  // Lists every source's files, refreshes the Parquet copies, and re-creates
  // the views when the files they read changed.
  const refresh = async () => {
    const listing: Record<string, string[]> = Object.fromEntries(Object.keys(SOURCES).map((name) => [name, []]));
    for (const r of (await conn.runAndReadAll(listQuery(dir))).getRowObjectsJS()) {
      listing[r.source as string]!.push(r.file as string);
    }
    const cached = await cacheSources(conn, dir, cacheDir, listing, pathHashes);
    cacheDir = cached.cacheDir;
    const key = JSON.stringify(cached.files);
    if (key === viewsKey) return;
    for (const statement of viewStatements(dir, cached.files)) await conn.run(statement);
    viewsKey = key;
    if (cacheDir !== null) await sweepCache(cacheDir, cached.files);
  };

  const query = async (sql: string, params: QueryParams = {}): Promise<Row[]> => {
    const { values, types } = _params(mod, params);
    const release = await acquire();
    try {
      await refresh();
      const reader = await conn.runAndReadAll(sql, values, types);
      return _rows(reader.columnNames(), reader.columnTypes(), reader.getRowsJS());
    } catch (err) {
      throw _queryError(err);
    } finally {
      release();
    }
  };

  async function* stream(sql: string, params: QueryParams = {}): AsyncGenerator<Row[], void, undefined> {
    const { values, types } = _params(mod, params);
    const release = await acquire();
    try {
      let result;
      try {
        await refresh();
        result = await conn.stream(sql, values, types);
      } catch (err) {
        throw _queryError(err);
      }
      const names = result.columnNames(), columnTypes = result.columnTypes();
      for await (const chunk of result.yieldRowsJs()) yield _rows(names, columnTypes, chunk);
    } finally {
      release();
    }
  }

  const last = `SELECT run_id, arg_max_null(value, step) AS value, max(step) AS step FROM metrics
    WHERE metric = $metric AND split = $split`;
  const store: RunStore = {
    dir,
    get db() {
      return db ??= runStoreKysely(store);
    },
    query,
    stream,
    compareRuns: async (runIds, metric, split = "val") =>
      await query(
        `${last} AND list_contains($ids, run_id) GROUP BY run_id ORDER BY value NULLS LAST, run_id`,
        { metric, split, ids: [...runIds] },
      ) as unknown as RunValue[],
    bestRuns: async (metric, k = 5, options = {}) => {
      if (!Number.isInteger(k) || k < 1) {
        throw new RangeError(`Cannot rank runs: k must be a positive integer (got ${k})`);
      }
      const order = options.mode === "max" ? "DESC" : "ASC";
      return await query(
        `${last} GROUP BY run_id HAVING value IS NOT NULL ORDER BY value ${order}, run_id LIMIT $k`,
        { metric, split: options.split ?? "val", k },
      ) as unknown as RunValue[];
    },
    lastValue: async (runId, metric, split = "val") => {
      const rows = await query(`${last} AND run_id = $run GROUP BY run_id`, { metric, split, run: runId });
      return (rows[0]?.value ?? null) as number | null;
    },
    curves: async (runIds, metric, split = "train") =>
      await query(
        `SELECT run_id, step, value FROM metrics WHERE metric = $metric AND split = $split
         AND list_contains($ids, run_id) ORDER BY run_id, step`,
        { metric, split, ids: [...runIds] },
      ) as unknown as CurvePoint[],
    check: async () => {
      let files = 0;
      const skipped: SkippedInFile[] = [];
      for (const source of Object.values(SOURCES)) {
        const glob = sqlString(sourcePath(dir, source));
        const [{ n }] = await query(`SELECT count(*) AS n FROM glob(${glob})`) as [{ n: number }];
        if (n === 0) continue;
        files += n;
        const rows = await query(
          `SELECT filename, count(*) AS total, count(*) FILTER (WHERE NOT _ok) AS skipped
           FROM (${sourceRows(source, glob)}) GROUP BY filename HAVING skipped > 0`,
        );
        for (const r of rows) {
          const file = r.filename as string;
          skipped.push({
            view: source.view,
            file,
            unit: source.format === "ndjson" ? "line" : "file",
            skipped: r.skipped as number,
            total: r.total as number,
            tornEnd: source.format === "ndjson" && !(await _endsWithNewline(file)),
          });
        }
      }
      return { files, skipped: skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) };
    },
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
  return store;
}

async function _endsWithNewline(path: string): Promise<boolean> {
  using file = await Deno.open(path);
  const size = (await file.stat()).size;
  if (size === 0) return true;
  await file.seek(size - 1, Deno.SeekMode.Start);
  const last = new Uint8Array(1);
  await file.read(last);
  return last[0] === 10;
}
