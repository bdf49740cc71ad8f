/**
 * `statusReport`: the whole status report of a tree and its run store:
 * code findings, registries, tasks, run anomalies, in one deterministic
 * order.
 *
 * @module
 */
import { SCHEMA_VERSION } from "../telemetry/mod.ts";
import type { CheckRegistriesOptions, RegistryEntry } from "./check_registries.ts";
import { checkTasks, type CheckTasksOptions, type TaskCheck } from "./check_tasks.ts";
import {
  compareFindings,
  type Finding,
  FINDING_KINDS,
  type FindingInput,
  type FindingKind,
  makeFinding,
  type Severity,
} from "./finding.ts";
import { findRunAnomalies, type RunAnomalyOptions, type RunsSummary } from "./find_run_anomalies.ts";
import { type CodeCounts, scanCode } from "./scan_code.ts";

/** Options of {@linkcode statusReport}; each part can be turned off. */
export interface StatusReportOptions {
  /** The source tree (default `.`); it holds `deno.json`, `lib/`, `tasks/`, ... */
  root?: string;
  /** The run store (default `artifacts`). */
  store?: string;
  /** Check `--help` of the tasks: all (true, default), none (false), or the named ones. */
  tasks?: boolean | readonly string[];
  /** Check the registries (default true). They are this process's registries, not `root`'s. */
  registries?: boolean;
  /** Check the run store (default true). */
  runs?: boolean;
  runOptions?: RunAnomalyOptions;
  registryOptions?: CheckRegistriesOptions;
  taskOptions?: Omit<CheckTasksOptions, "only">;
  /** The report's time (default now); also the time stuck runs are measured from. */
  now?: Date;
  /** Progress lines (default none). */
  log?: (message: string) => void;
}

/** Findings added and removed since an earlier report. */
export interface StatusChanges {
  /** The earlier report's `generated_at`. */
  since: string;
  /** Where it was read from. */
  source: string;
  added: Finding[];
  removed: Finding[];
  /**
   * What was left out of the comparison because only one report (or
   * neither) checked it: `registries`, `tasks`, `runs`, or `N of M tasks`
   * when the two ran the `--help` of different tasks.
   */
  not_compared: string[];
}

/** Code counts, and the to-do markers per file. */
export interface CodeSummary extends CodeCounts {
  todo_by_file: { path: string; todo: number; fixme: number }[];
}

/** The report, as `status.json` holds it. */
export interface StatusReport {
  schema_version: number;
  /** When it was made: with `ts` of each finding, the only thing two reports of one tree differ in. */
  generated_at: string;
  root: string;
  store: string;
  summary: {
    findings: number;
    by_kind: Record<FindingKind, number>;
    by_severity: Record<Severity, number>;
  };
  code: CodeSummary;
  /** Null when not checked. */
  registries: RegistryEntry[] | null;
  tasks: TaskCheck[] | null;
  runs: RunsSummary | null;
  findings: Finding[];
  /** Set by `--since`. */
  since: StatusChanges | null;
}

/**
 * Makes the report. Every list in it is sorted (findings by
 * {@linkcode compareFindings}), and nothing in it depends on timing, so two
 * reports of the same tree are equal apart from `generated_at` and the
 * findings' `ts`.
 *
 * @example
 * ```ts ignore
 * import { statusReport } from "./status_report.ts";
 * const report = await statusReport({ tasks: false });
 * console.log(report.summary, report.findings.filter((f) => f.kind === "anomaly"));
 * ```
 */
export async function statusReport(options: StatusReportOptions = {}): Promise<StatusReport> {
  const root = options.root ?? ".";
  const store = options.store ?? "artifacts";
  const now = options.now ?? new Date();
  const ts = now.toISOString();
  const log = options.log ?? (() => {});
  const inputs: FindingInput[] = [];

  log(`scanning code under ${root}`);
  const code = await scanCode(root);
  inputs.push(...code.findings);

  // Before the registries: an unknown task name fails at once.
  let tasks: TaskCheck[] | null = null;
  if (options.tasks !== false) {
    log("running --help of each task");
    const only = Array.isArray(options.tasks) ? { only: options.tasks as readonly string[] } : {};
    const t = await checkTasks(root, { ...options.taskOptions, ...only });
    tasks = t.tasks;
    inputs.push(...t.findings);
  }

  let registries: RegistryEntry[] | null = null;
  if (options.registries !== false) {
    log("checking registries");
    // Loaded on demand: the registries pull in the model code and tfjs.
    const { checkRegistries } = await import("./check_registries.ts");
    const r = await checkRegistries(options.registryOptions);
    registries = r.entries;
    inputs.push(...r.findings);
  }

  let runs: RunsSummary | null = null;
  if (options.runs !== false) {
    log(`checking the run store ${store}`);
    const r = await findRunAnomalies(store, { now, ...options.runOptions });
    runs = r.summary;
    inputs.push(...r.findings);
  }

  const findings = inputs.map((f) => makeFinding(f, ts)).sort(compareFindings);
  const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const todos = new Map<string, { path: string; todo: number; fixme: number }>();
  for (const f of findings) {
    byKind[f.kind]++;
    bySeverity[f.severity]++;
    if (f.kind === "todo" && f.path !== null) {
      const t = todos.get(f.path) ?? { path: f.path, todo: 0, fixme: 0 };
      if (f.rule === "fixme") t.fixme++;
      else t.todo++;
      todos.set(f.path, t);
    }
  }
  return {
    schema_version: SCHEMA_VERSION,
    generated_at: ts,
    root,
    store,
    summary: { findings: findings.length, by_kind: byKind, by_severity: bySeverity },
    code: { ...code.counts, todo_by_file: [...todos.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) },
    registries,
    tasks,
    runs,
    findings,
    since: null,
  };
}
