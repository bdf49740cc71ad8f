/**
 * Kysely over the run store, through a small dialect of our own: Kysely's
 * Postgres adapter and query compiler (DuckDB understands its `"quoted"`
 * names and `$1` parameters) and a driver that sends every query through
 * {@linkcode RunStore.query}, so typed and raw queries see the same views,
 * parameters and value conversions. This works with Kysely 0.29;
 * `kysely-duckdb` 0.4 needs Kysely 0.28 and a second DuckDB binding.
 *
 * @module
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";
import type { RunStore } from "./open_run_store.ts";
import type { RunStoreDatabase } from "./run_store_views.ts";

class _StoreConnection implements DatabaseConnection {
  readonly #store: RunStore;
  constructor(store: RunStore) {
    this.#store = store;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: await this.#store.query(q.sql, q.parameters) as R[] };
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    for await (const rows of this.#store.stream(q.sql, q.parameters)) yield { rows: rows as R[] };
  }
}

// One connection: the store runs one statement at a time.
class _StoreDriver implements Driver {
  readonly #connection: _StoreConnection;
  constructor(store: RunStore) {
    this.#connection = new _StoreConnection(store);
  }

  async init(): Promise<void> {
    // Nothing to open: openRunStore hands over a connected DuckDB store.
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(this.#connection);
  }

  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw("BEGIN TRANSACTION"));
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw("COMMIT"));
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw("ROLLBACK"));
  }

  async releaseConnection(): Promise<void> {
    // One shared connection: nothing returns to a pool.
  }

  async destroy(): Promise<void> {
    // The store owns the DuckDB connection: close it with store.close().
  }
}

/**
 * A Kysely instance over an open run store (also `store.db`). Every view is
 * typed from {@linkcode RUN_STORE_VIEWS}, so a wrong view or column name is
 * a compile error.
 *
 * @example The validation curve of one run
 * ```ts ignore
 * import { openRunStore } from "./open_run_store.ts";
 * const store = await openRunStore();
 * const points = await store.db.selectFrom("metrics")
 *   .select(["step", "value"])
 *   .where("split", "=", "val").where("metric", "=", "loss").where("run_id", "=", "20261124-161852-5e88")
 *   .orderBy("step")
 *   .execute();
 * store.close();
 * ```
 */
export function runStoreKysely(store: RunStore): Kysely<RunStoreDatabase> {
  return new Kysely<RunStoreDatabase>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new _StoreDriver(store),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
