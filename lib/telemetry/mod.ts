/**
 * Telemetry: the run store and its NDJSON records, and the system sampler.
 *
 * @module
 */
export {
  checkRecord,
  type EvalRecord,
  type EventRecord,
  type MetricRecord,
  type RecordKind,
  type RunInfo,
  type RunStatus,
  type SampleRecord,
  SCHEMA_VERSION,
  type SystemRecord,
} from "./records.ts";
export { NdjsonWriter, readNdjson } from "./ndjson_writer.ts";
export { type CreateRunOptions, findRunDir, listRunIds, newRunId, Run } from "./run_store.ts";
export { SystemSampler } from "./system_sampler.ts";
export {
  type EnvReader,
  exportRunToMlflow,
  type MlflowExport,
  type MlflowOptions,
  mlflowOptionsFromEnv,
} from "./export_run_to_mlflow.ts";
