/**
 * `deno task status [--since DATE|FILE] [--no-tasks] [...]`: the status
 * report of this tree and its run store, written to artifacts/status/
 * (status.md, status.json, findings.ndjson), with a short summary printed.
 *
 * @module
 */
import {
  diffStatusReports,
  loadStatusReport,
  parseTaskArgs,
  runTask,
  statusReport,
  type StatusReportOptions,
  writeStatusReport,
} from "../mod.ts";
import { join } from "node:path";

const HELP = `Usage: deno task status [options]

Writes STORE/status/status.md, status.json and findings.ndjson (the status_findings
view of deno task sql) and prints a summary. Reports, read from the code with the
TypeScript parser: stubs (bodies that only throw "not implemented", empty function
and method bodies), TODO/FIXME comments, files that do not parse, modules under lib/
that no test covers, exported values without an @example; what each registry holds
and entries that do not load; every task and whether its --help works; and run
anomalies found with SQL: NaN/inf losses, loss spikes, throughput drops, runs stuck
in "running", checkpoints failing their checksums, eval intervals that overlap
between runs. Exits 0 whatever it finds.

Options:
  --since DATE|FILE   also show what changed since an earlier report: a status.json,
                      or the newest report in STORE/status/history/ made at or before
                      DATE (2026-11-24, 2026-11-24T18:00:00Z); only the sections both
                      reports checked are compared (the others are named)
  --no-tasks          skip the --help checks (the slow part: one process per task)
  --tasks a,b         check only these tasks' --help
  --no-registries     skip the registry checks
  --no-runs           skip the run store
  --root DIR          the source tree (default .)
  --store DIR         the run store (default artifacts); the report goes to DIR/status.
                      deno task status may write only under artifacts/: for a store
                      elsewhere run deno run -A tasks/status.ts --store DIR
  --spike-k K         loss spike: above the rolling median by more than K MADs (default 6)
  --stuck-minutes N   a running run with no record for N minutes is stuck (default 30)
  -h, --help          show this help

Examples:
  deno task status
  deno task status --no-tasks --since 2026-11-24
  deno task sql "SELECT kind, count(*) FROM status_findings GROUP BY kind"`;

function number(raw: string | boolean | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isFinite(n) || n <= 0) {
    throw new RangeError(`Cannot make status report: --${name} must be a positive number (got "${raw}")`);
  }
  return n;
}

/**
 * Fails at once, in one line, when this process may not read or write what
 * `flag` names: `deno task status` may read the repository and write only
 * under artifacts/ (a store elsewhere needs `deno run -A`).
 */
async function requireAccess(
  flag: string,
  value: string,
  needs: { name: "read" | "write"; path: string }[],
): Promise<void> {
  for (const need of needs) {
    if ((await Deno.permissions.query(need)).state === "granted") continue;
    throw new Deno.errors.NotCapable(
      `Cannot make status report: ${flag} ${value} needs ${need.name} access to ${need.path}, which this process ` +
        `does not have (deno task status reads only . and writes only under artifacts/; ` +
        `run deno run -A tasks/status.ts ${flag} ${value} instead)`,
    );
  }
}

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    since: { type: "string" },
    "no-tasks": { type: "boolean" },
    tasks: { type: "string" },
    "no-registries": { type: "boolean" },
    "no-runs": { type: "boolean" },
    root: { type: "string" },
    store: { type: "string" },
    "spike-k": { type: "string" },
    "stuck-minutes": { type: "string" },
  });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  if (args.overrides.length) throw new SyntaxError(`Cannot make status report: unexpected "${args.overrides[0]}"`);
  const root = (args.flags.root as string | undefined) ?? ".";
  const store = (args.flags.store as string | undefined) ?? "artifacts";
  const outDir = join(store, "status");
  await requireAccess("--root", root, [{ name: "read", path: root }]);
  await requireAccess("--store", store, [{ name: "read", path: store }, { name: "write", path: outDir }]);
  const since = args.flags.since as string | undefined;
  // Read the earlier report first, so the one written now is never taken for it.
  const previous = since === undefined ? null : await loadStatusReport(since, join(outDir, "history"));

  const spikeK = number(args.flags["spike-k"], "spike-k");
  const stuckMinutes = number(args.flags["stuck-minutes"], "stuck-minutes");
  const only = typeof args.flags.tasks === "string"
    ? args.flags.tasks.split(",").map((s) => s.trim()).filter(Boolean)
    : undefined;
  if (only !== undefined && only.length === 0) {
    throw new SyntaxError(`Cannot make status report: --tasks needs task names (--tasks sql,status)`);
  }
  const options: StatusReportOptions = {
    root,
    store,
    tasks: args.flags["no-tasks"] ? false : only ?? true,
    registries: !args.flags["no-registries"],
    runs: !args.flags["no-runs"],
    runOptions: {
      ...(spikeK === undefined ? {} : { spikeK }),
      ...(stuckMinutes === undefined ? {} : { stuckMinutes }),
    },
    log: (m) => console.error(`codex status: ${m}`),
  };
  const t0 = performance.now();
  const report = await statusReport(options);
  if (previous) report.since = diffStatusReports(previous.report, report, previous.source);
  const files = await writeStatusReport(report, outDir);

  const s = report.summary, k = s.by_kind;
  const lines = [
    `codex status: ${s.findings} findings (${s.by_severity.error} error, ${s.by_severity.warning} warning, ` +
    `${s.by_severity.info} info) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    `  code        ${report.code.files} files: ${k.parse_error} parse errors, ${k.stub} stubs, ${k.todo} TODO/FIXME, ` +
    `${k.untested} untested modules, ${k.no_example} exports without @example`,
  ];
  if (report.registries) {
    const bad = report.registries.filter((e) => !e.ok).map((e) => `${e.registry}/${e.name}`);
    lines.push(
      `  registries  ${report.registries.length} entries: ${
        bad.length ? `${bad.length} fail (${bad.join(", ")})` : "all load"
      }`,
    );
  }
  if (report.tasks) {
    const checked = report.tasks.filter((t) => t.checked);
    const bad = checked.filter((t) => !t.ok).map((t) => t.name);
    lines.push(
      `  tasks       ${report.tasks.length} tasks: ${checked.length - bad.length} --help ok` +
        `${bad.length ? `, ${bad.length} fail (${bad.join(", ")})` : ""}, ${
          report.tasks.length - checked.length
        } not checked`,
    );
  }
  if (report.runs) {
    lines.push(
      report.findings.some((f) => f.rule === "no_runs")
        ? `  runs        no runs in ${join(store, "runs")}`
        : `  runs        ${report.runs.runs} runs: ${k.anomaly} anomalies` +
          `${report.findings.some((f) => f.rule === "store_failed") ? " (the store could not be opened)" : ""}`,
    );
  }
  if (report.since) {
    const c = report.since;
    lines.push(
      `  since       ${c.since} (${c.source}): ${c.added.length} added, ${c.removed.length} removed` +
        (c.not_compared.length ? `; not compared (not checked in both): ${c.not_compared.join(", ")}` : ""),
    );
    for (const [sign, fs] of [["+", c.added], ["-", c.removed]] as const) {
      for (const f of fs.slice(0, 10)) {
        lines.push(
          `    ${sign} ${f.kind}/${f.rule} ${f.path ?? ""}${f.line === null ? "" : `:${f.line}`} ${f.message}`,
        );
      }
      if (fs.length > 10) lines.push(`    ${sign} ... ${fs.length - 10} more (see ${files.markdown})`);
    }
  }
  lines.push(`  written to  ${files.markdown}, ${files.json}, ${files.ndjson}`);
  console.log(lines.join("\n"));
  return 0;
}

await runTask(main);
