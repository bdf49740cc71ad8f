/**
 * Queries over the run store: DuckDB with typed views, and helpers.
 *
 * @module
 */
export { openRunStore, type Row, type RunStore } from "./open_run_store.ts";
export { matchGlob, VIEWS, viewSql } from "./run_store_db.ts";
