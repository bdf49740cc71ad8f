/**
 * The status report: stubs, to-do markers, parse errors, untested modules
 * and exports without examples (read with the TypeScript parser), what each
 * registry holds, whether each task's `--help` works, and anomalies in the
 * run store (found with SQL), written as Markdown, JSON and NDJSON.
 *
 * @module
 */
export {
  compareFindings,
  type Finding,
  FINDING_KINDS,
  type FindingInput,
  findingKey,
  type FindingKind,
  makeFinding,
  type Severity,
} from "./finding.ts";
export { scanSource, type SourceExport, type SourceMarker, type SourceScan, type SourceStub } from "./scan_source.ts";
export {
  type CodeCounts,
  type CodeScan,
  type FileRole,
  fileRole,
  scanCode,
  type ScanCodeOptions,
} from "./scan_code.ts";
export {
  checkRegistries,
  type CheckRegistriesOptions,
  type RegistryCheck,
  type RegistryEntry,
  type RegistryName,
} from "./check_registries.ts";
export { checkTasks, type CheckTasksOptions, type TaskCheck, type TasksCheck } from "./check_tasks.ts";
export { findRunAnomalies, type RunAnomalies, type RunAnomalyOptions, type RunsSummary } from "./find_run_anomalies.ts";
export {
  type CodeSummary,
  type StatusChanges,
  type StatusReport,
  statusReport,
  type StatusReportOptions,
} from "./status_report.ts";
export { diffStatusReports, loadStatusReport } from "./diff_status_reports.ts";
export { formatStatusMarkdown } from "./format_status_markdown.ts";
export { type StatusFiles, writeStatusReport } from "./write_status_report.ts";
