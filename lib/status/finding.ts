/**
 * One finding of the status report, its fixed NDJSON layout (the
 * `status_findings` view), and the one order every report uses.
 *
 * @module
 */
import { SCHEMA_VERSION } from "../telemetry/mod.ts";

/** What a finding is about. */
export type FindingKind =
  | "stub"
  | "todo"
  | "parse_error"
  | "untested"
  | "no_example"
  | "registry"
  | "task"
  | "anomaly"
  | "runs";

/** How much a finding matters. */
export type Severity = "error" | "warning" | "info";

/**
 * A finding, as written to `findings.ndjson` (one per line, every field
 * present, nullable fields as null), in this field order.
 *
 * - `kind`: stub, todo, parse_error, untested, no_example, registry, task, anomaly, runs;
 * - `rule`: the check within the kind (`not_implemented`, `empty_body`, `todo`, `fixme`,
 *   `nan_loss`, `loss_spike`, `throughput_drop`, `stuck_run`, `checksum_failed`,
 *   `ci_overlap`, `load_failed`, `help_failed`, `no_runs`, ...);
 * - `path` (relative to the scanned root for code, under the store for runs) and `line` (1-based);
 * - `symbol`: the function, export, registry entry or task the finding names;
 * - `run_id` and `value` (a count, step or ratio, as the message says) for run anomalies.
 */
export interface Finding {
  schema_version: number;
  /** When the report was made (ISO 8601); the only field that differs between two reports of one tree. */
  ts: string;
  kind: FindingKind;
  rule: string;
  severity: Severity;
  path: string | null;
  line: number | null;
  symbol: string | null;
  run_id: string | null;
  value: number | null;
  message: string;
}

/** A finding before the report stamps it: `ts` and `schema_version` are added, missing fields become null. */
export type FindingInput =
  & Pick<Finding, "kind" | "rule" | "severity" | "message">
  & Partial<Pick<Finding, "path" | "line" | "symbol" | "run_id" | "value">>;

/**
 * Fills a finding's every field (null where not given) in the fixed order.
 *
 * @example
 * ```ts
 * import { makeFinding } from "./finding.ts";
 * const f = makeFinding({ kind: "untested", rule: "untested", severity: "info", path: "lib/a.ts", message: "no test" },
 *   "2026-01-01T00:00:00.000Z");
 * if (f.symbol !== null || f.run_id !== null) throw new Error("missing fields must be null");
 * ```
 */
export function makeFinding(f: FindingInput, ts: string): Finding {
  return {
    schema_version: SCHEMA_VERSION,
    ts,
    kind: f.kind,
    rule: f.rule,
    severity: f.severity,
    path: f.path ?? null,
    line: f.line ?? null,
    symbol: f.symbol ?? null,
    run_id: f.run_id ?? null,
    value: f.value === undefined || f.value === null || !Number.isFinite(f.value) ? null : f.value,
    message: f.message,
  };
}

/**
 * Every finding kind, in report order.
 *
 * @example
 * ```ts
 * import { FINDING_KINDS } from "./finding.ts";
 * if (FINDING_KINDS[0] !== "parse_error" || !FINDING_KINDS.includes("no_example")) throw new Error("unexpected kinds");
 * ```
 */
export const FINDING_KINDS: readonly FindingKind[] = [
  "parse_error",
  "stub",
  "todo",
  "untested",
  "no_example",
  "registry",
  "task",
  "anomaly",
  "runs",
];

const _cmp = (a: string | number | null, b: string | number | null): number =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;

/**
 * The report order: kind (in the order of {@linkcode FindingKind}), path,
 * line, rule, symbol, run, message. Every report sorts this way, so two
 * reports of the same tree list the same findings in the same order.
 *
 * @example
 * ```ts
 * import { compareFindings, makeFinding } from "./finding.ts";
 * const ts = "2026-01-01T00:00:00.000Z";
 * const a = makeFinding({ kind: "stub", rule: "empty_body", severity: "warning", path: "b.ts", line: 1, message: "m" }, ts);
 * const b = makeFinding({ kind: "stub", rule: "empty_body", severity: "warning", path: "a.ts", line: 9, message: "m" }, ts);
 * if ([a, b].sort(compareFindings)[0] !== b) throw new Error("a.ts sorts first");
 * ```
 */
export function compareFindings(a: Finding, b: Finding): number {
  return FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
    _cmp(a.path, b.path) || _cmp(a.line, b.line) || _cmp(a.rule, b.rule) || _cmp(a.symbol, b.symbol) ||
    _cmp(a.run_id, b.run_id) || _cmp(a.message, b.message) || _cmp(a.value, b.value);
}

/**
 * What identifies a finding across reports: everything but `ts`, `line`
 * (code moves) and `value`. Used by `--since` to say which findings are new.
 *
 * @example
 * ```ts
 * import { findingKey, makeFinding } from "./finding.ts";
 * const f = (line: number) =>
 *   makeFinding({ kind: "stub", rule: "empty_body", severity: "warning", path: "a.ts", line, message: "m" }, "");
 * if (findingKey(f(1)) !== findingKey(f(7))) throw new Error("a moved line is the same finding");
 * ```
 */
export function findingKey(f: Finding): string {
  return JSON.stringify([f.kind, f.rule, f.path, f.symbol, f.run_id, f.message]);
}
