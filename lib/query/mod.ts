/**
 * Queries over the run store: an in-process DuckDB with typed views over
 * every run, raw SQL with parameters, a typed Kysely API, and helpers.
 *
 * @module
 */
export {
  type CurvePoint,
  openRunStore,
  type QueryParams,
  type Row,
  type RunStore,
  type RunStoreOptions,
  type RunValue,
  type SkippedInFile,
  type StoreCheck,
} from "./open_run_store.ts";
export {
  RUN_STORE_VIEWS,
  type RunStoreDatabase,
  type RunStoreViewName,
  type ViewColumn,
  type ViewColumnType,
  type ViewInfo,
} from "./run_store_views.ts";
export { runStoreKysely } from "./run_store_kysely.ts";
export { formatRows, type RowFormat } from "./format_rows.ts";
