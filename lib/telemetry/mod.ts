/**
 * Telemetry: the run store and its NDJSON records, the system sampler, and
 * the trackers beside the store (TensorBoard event files, MLflow export).
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
export { type CreateRunOptions, findRunDir, listRunIds, newRunId, Run, type TrackerStatus } from "./run_store.ts";
export { SystemSampler } from "./system_sampler.ts";
export {
  type EnvReader,
  exportRunToMlflow,
  type MlflowExport,
  type MlflowOptions,
  mlflowOptionsFromEnv,
} from "./export_run_to_mlflow.ts";
export { crc32c, maskedCrc32c } from "./crc32c.ts";
export {
  eventFileName,
  frameTfRecord,
  scalarRecord,
  tensorboardRecords,
  TensorboardWriter,
  type TensorboardWriterOptions,
  textRecord,
} from "./tensorboard_writer.ts";
export {
  exportRunToTensorboard,
  type TensorboardExport,
  type TensorboardExportOptions,
  writeRunTensorboard,
} from "./export_run_to_tensorboard.ts";
