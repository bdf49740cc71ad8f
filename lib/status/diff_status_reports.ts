/**
 * `diffStatusReports` and `loadStatusReport`: what changed between two
 * status reports, and finding the earlier one (a file, or the newest report
 * in the history folder made at or before a date).
 *
 * @module
 */
import { join } from "node:path";
import { compareFindings, type Finding, findingKey } from "./finding.ts";
import type { StatusChanges, StatusReport } from "./status_report.ts";

// The kinds each optional section of a report makes; code kinds are always checked.
const _SECTION_KINDS = { registries: ["registry"], tasks: ["task"], runs: ["anomaly", "runs"] } as const;

/**
 * Which findings of two reports can be compared: those of the sections both
 * reports checked (a section not checked is null in the report), and of the
 * tasks whose `--help` both ran. Returns the test and what was left out.
 */
function _comparable(before: StatusReport, after: StatusReport): {
  compared: (f: Finding) => boolean;
  notCompared: string[];
} {
  const notCompared: string[] = [];
  const skipped = new Set<string>();
  for (const [section, kinds] of Object.entries(_SECTION_KINDS)) {
    const key = section as keyof typeof _SECTION_KINDS;
    if (before[key] == null || after[key] == null) {
      notCompared.push(section);
      for (const k of kinds) skipped.add(k);
    }
  }
  // Both checked tasks, maybe not the same ones (`--tasks a,b`): compare the tasks both ran.
  let bothRan: Set<string> | null = null;
  if (!skipped.has("task")) {
    const ran = (r: StatusReport) => new Set((r.tasks ?? []).filter((t) => t.checked).map((t) => t.name));
    const was = ran(before), now = ran(after);
    bothRan = new Set([...was].filter((n) => now.has(n)));
    const either = new Set([...was, ...now]).size;
    if (either > bothRan.size) notCompared.push(bothRan.size ? `${either - bothRan.size} of ${either} tasks` : "tasks");
  }
  return {
    compared: (f) =>
      !skipped.has(f.kind) &&
      (f.kind !== "task" || f.rule !== "help_failed" || f.symbol === null || bothRan!.has(f.symbol)),
    notCompared,
  };
}

/**
 * The findings of `after` that `before` does not have (added) and those of
 * `before` that `after` does not (removed), matched by
 * {@linkcode findingKey} (so a finding whose line moved is the same one),
 * counting repeats. Only what both reports checked is compared: a section
 * one of them skipped (`--no-tasks`, `--no-registries`, `--no-runs`: null
 * in the report), or a task's `--help` only one of them ran, is left out
 * and named in `not_compared`.
 *
 * @example
 * ```ts
 * import { diffStatusReports } from "./diff_status_reports.ts";
 * import { makeFinding } from "./finding.ts";
 * import type { StatusReport } from "./status_report.ts";
 * const f = (message: string) => makeFinding({ kind: "stub", rule: "empty_body", severity: "warning", message }, "");
 * const before = { generated_at: "2026-01-01T00:00:00.000Z", findings: [f("a"), f("b")] } as StatusReport;
 * const after = { generated_at: "2026-01-02T00:00:00.000Z", findings: [f("b"), f("c")] } as StatusReport;
 * const d = diffStatusReports(before, after, "old.json");
 * if (d.added[0]?.message !== "c" || d.removed[0]?.message !== "a") throw new Error("wrong diff");
 * if (d.not_compared.join() !== "registries,tasks,runs") throw new Error("neither checked these");
 * ```
 */
export function diffStatusReports(before: StatusReport, after: StatusReport, source = ""): StatusChanges {
  const { compared, notCompared } = _comparable(before, after);
  const count = (findings: readonly Finding[]) => {
    const m = new Map<string, Finding[]>();
    for (const f of findings.filter(compared)) m.set(findingKey(f), [...(m.get(findingKey(f)) ?? []), f]);
    return m;
  };
  const was = count(before.findings), now = count(after.findings);
  const minus = (a: Map<string, Finding[]>, b: Map<string, Finding[]>) =>
    [...a].flatMap(([k, fs]) => fs.slice(b.get(k)?.length ?? 0));
  return {
    since: before.generated_at,
    source,
    added: minus(now, was).sort(compareFindings),
    removed: minus(was, now).sort(compareFindings),
    not_compared: notCompared,
  };
}

function _parse(text: string, source: string): StatusReport {
  let report: StatusReport;
  try {
    report = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot read status report: ${source} is not JSON (${(err as Error).message})`);
  }
  if (typeof report?.generated_at !== "string" || !Array.isArray(report.findings)) {
    throw new TypeError(`Cannot read status report: ${source} has no generated_at and findings`);
  }
  return report;
}

// A one-line error for a path that cannot be read: a permission this
// process lacks (Deno's or the system's) names the flag.
function _readError(err: unknown, path: string): Error {
  if (err instanceof Deno.errors.NotCapable) {
    return new Deno.errors.NotCapable(
      `Cannot compare reports: no read access to ${path} (it needs --allow-read=${path})`,
    );
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    return new Deno.errors.PermissionDenied(`Cannot compare reports: ${path} may not be read (permission denied)`);
  }
  return new Error(`Cannot compare reports: cannot read ${path}: ${(err as Error).message.split("\n")[0]}`);
}

/**
 * The earlier report `since` names: a `status.json` file (any path), or a
 * date (ISO 8601, e.g. `2026-11-24` or `2026-11-24T18:00:00Z`), for which the
 * newest report in `historyDir` made at or before it is taken. Returns the
 * report and the file it came from.
 *
 * @example
 * ```ts ignore
 * import { loadStatusReport } from "./diff_status_reports.ts";
 * const { report, source } = await loadStatusReport("2026-11-24", "artifacts/status/history");
 * console.log(source, report.summary.findings);
 * ```
 */
export async function loadStatusReport(
  since: string,
  historyDir: string,
): Promise<{ report: StatusReport; source: string }> {
  let stat: Deno.FileInfo | null = null;
  try {
    stat = await Deno.stat(since);
  } catch (err) {
    // Only a missing file means `since` is not a file (and maybe a date).
    if (!(err instanceof Deno.errors.NotFound)) throw _readError(err, since);
  }
  if (stat?.isFile) return { report: _parse(await Deno.readTextFile(since), since), source: since };
  const date = Date.parse(since);
  if (Number.isNaN(date)) {
    throw new RangeError(`Cannot compare reports: "${since}" is neither a status.json file nor a date`);
  }
  const files: string[] = [];
  try {
    for await (const e of Deno.readDir(historyDir)) {
      if (e.isFile && /^status-.*\.json$/.test(e.name)) files.push(e.name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw _readError(err, historyDir);
  }
  let best: { report: StatusReport; source: string } | null = null;
  for (const name of files.sort()) {
    const source = join(historyDir, name);
    const report = _parse(await Deno.readTextFile(source), source);
    const t = Date.parse(report.generated_at);
    if (t <= date && (best === null || t >= Date.parse(best.report.generated_at))) best = { report, source };
  }
  if (best === null) {
    throw new RangeError(
      `Cannot compare reports: no report in ${historyDir} was made at or before ${new Date(date).toISOString()}` +
        ` (${files.length} report(s) there)`,
    );
  }
  return best;
}
