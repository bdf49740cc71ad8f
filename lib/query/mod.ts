/**
 * Queries over the run store: DuckDB with typed views, and helpers.
 *
 * @module
 */
export { openRunStore, type Row, type RunStore } from "./open_run_store.ts";
export { matchGlob, VIEWS, viewSql } from "./run_store_db.ts";
export {
  type CheckpointsView,
  type EvalsView,
  type EventsView,
  type MetricsView,
  type RunStoreDatabase,
  runStoreKysely,
  type RunsView,
  type SafetyEventsView,
  type SamplesView,
  type StatusFindingsView,
  type SystemView,
} from "./kysely_dialect.ts";
