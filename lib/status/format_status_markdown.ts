/**
 * `formatStatusMarkdown`: the status report as Markdown (`status.md`):
 * summary counts, then a table per section.
 *
 * @module
 */
import type { Finding } from "./finding.ts";
import type { StatusReport } from "./status_report.ts";

const _cell = (v: unknown): string =>
  v === null || v === undefined ? "" : String(v).replaceAll("|", "\\|").replaceAll("\n", " ");

function _table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return "None.\n";
  const line = (cells: readonly unknown[]) => `| ${cells.map(_cell).join(" | ")} |`;
  return [line(head), `| ${head.map(() => "---").join(" | ")} |`, ...rows.map(line)].join("\n") + "\n";
}

const _of = (report: StatusReport, kind: Finding["kind"]) => report.findings.filter((f) => f.kind === kind);

const _where = (f: Finding) => (f.path === null ? "" : f.line === null ? f.path : `${f.path}:${f.line}`);

/**
 * Renders a report: summary counts by kind and severity, the changes since
 * an earlier report (with `--since`), then code (parse errors, stubs, to-do
 * markers by file, untested modules, exports without examples), registries,
 * tasks and runs. Deterministic: the same report gives the same text.
 *
 * @example
 * ```ts ignore
 * import { formatStatusMarkdown, statusReport } from "../../mod.ts";
 * console.log(formatStatusMarkdown(await statusReport({ tasks: false })));
 * ```
 */
export function formatStatusMarkdown(report: StatusReport): string {
  const out: string[] = [];
  const s = report.summary;
  out.push(`# Status report\n`);
  out.push(
    `Generated ${report.generated_at} from \`${report.root}\` (run store \`${report.store}\`): ` +
      `${s.findings} findings, ${s.by_severity.error} error, ${s.by_severity.warning} warning, ` +
      `${s.by_severity.info} info. The same findings are in \`findings.ndjson\` (the \`status_findings\` view of ` +
      "`deno task sql`).\n",
  );
  const severities = ["error", "warning", "info"] as const;
  out.push(
    _table(
      ["kind", ...severities, "total"],
      Object.entries(s.by_kind).map(([kind, n]) => [
        kind,
        ...severities.map((sev) => report.findings.filter((f) => f.kind === kind && f.severity === sev).length),
        n,
      ]),
    ),
  );

  if (report.since) {
    const c = report.since;
    out.push(`## Changes since ${c.since}\n`);
    out.push(
      `Compared with \`${c.source}\`: ${c.added.length} added, ${c.removed.length} removed.` +
        (c.not_compared.length ? ` Not compared (not checked in both reports): ${c.not_compared.join(", ")}.` : "") +
        "\n",
    );
    const rows = (fs: Finding[]) => fs.map((f) => [f.kind, f.rule, _where(f), f.symbol ?? f.run_id, f.message]);
    out.push(`### Added\n`, _table(["kind", "rule", "where", "symbol", "message"], rows(c.added)));
    out.push(`### Removed\n`, _table(["kind", "rule", "where", "symbol", "message"], rows(c.removed)));
  }

  const c = report.code;
  out.push(`## Code\n`);
  out.push(
    `${c.files} source files: ${c.modules} modules under lib/, ${c.tests} test files. ` +
      `${c.tested} of ${c.checked} modules with runtime code are covered by a test; ` +
      `${c.documented} of ${c.exports} exported values have an @example.\n`,
  );
  out.push(
    `### Parse errors\n`,
    _table(["where", "message"], _of(report, "parse_error").map((f) => [_where(f), f.message])),
  );
  out.push(
    `### Stubs\n`,
    _table(["where", "rule", "symbol"], _of(report, "stub").map((f) => [_where(f), f.rule, f.symbol])),
  );
  out.push(
    `### TODO and FIXME\n`,
    _table(["file", "TODO", "FIXME"], c.todo_by_file.map((t) => [t.path, t.todo, t.fixme])),
  );
  if (c.todo_by_file.length) {
    out.push(_table(["where", "comment"], _of(report, "todo").map((f) => [_where(f), f.message])));
  }
  out.push(`### Modules no test covers\n`, _table(["module"], _of(report, "untested").map((f) => [f.path])));
  out.push(
    `### Exported values without an @example\n`,
    _table(["where", "symbol"], _of(report, "no_example").map((f) => [_where(f), f.symbol])),
  );

  out.push(`## Registries\n`);
  if (report.registries === null) out.push("Not checked.\n");
  else {
    out.push(
      _table(
        ["registry", "name", "loads", "detail"],
        report.registries.map((e) => [e.registry, e.name, e.ok ? "yes" : "**no**", e.detail]),
      ),
    );
  }

  out.push(`## Tasks\n`);
  if (report.tasks === null) out.push("Not checked.\n");
  else {
    out.push(
      _table(
        ["task", "--help", "note"],
        report.tasks.map((t) => [t.name, t.ok === null ? "-" : t.ok ? "ok" : "**fails**", t.note]),
      ),
    );
  }

  out.push(`## Runs\n`);
  const r = report.runs;
  if (r === null) out.push("Not checked.\n");
  else {
    const statuses = Object.entries(r.by_status).map(([k, n]) => `${n} ${k}`).join(", ");
    out.push(
      `${r.runs} runs${statuses ? ` (${statuses})` : ""}; ${r.checkpoints} checkpoints verified, ` +
        `${r.checkpoints_failed} failed; ${r.evals} eval results.\n`,
    );
    const runFindings = report.findings.filter((f) => f.kind === "anomaly" || f.kind === "runs");
    out.push(
      _table(
        ["rule", "severity", "run", "where", "message"],
        runFindings.map((f) => [f.rule, f.severity, f.run_id, f.path, f.message]),
      ),
    );
  }
  return out.join("\n");
}
