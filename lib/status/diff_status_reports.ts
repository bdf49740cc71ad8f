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

/**
 * The findings of `after` that `before` does not have (added) and those of
 * `before` that `after` does not (removed), matched by
 * {@linkcode findingKey} (so a finding whose line moved is the same one),
 * counting repeats.
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
 * ```
 */
export function diffStatusReports(before: StatusReport, after: StatusReport, source = ""): StatusChanges {
  const count = (findings: readonly Finding[]) => {
    const m = new Map<string, Finding[]>();
    for (const f of findings) m.set(findingKey(f), [...(m.get(findingKey(f)) ?? []), f]);
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
  const stat = await Deno.stat(since).catch(() => null);
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
    if (!(err instanceof Deno.errors.NotFound)) throw err;
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
