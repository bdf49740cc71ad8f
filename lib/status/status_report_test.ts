import assert from "node:assert/strict";
import { join } from "node:path";
import { openRunStore } from "../query/mod.ts";
import { A, fixtureStore, fixtureTree } from "./_testing.ts";
import { diffStatusReports, loadStatusReport } from "./diff_status_reports.ts";
import { formatStatusMarkdown } from "./format_status_markdown.ts";
import { makeFinding } from "./finding.ts";
import { type StatusReport, statusReport } from "./status_report.ts";
import { writeStatusReport } from "./write_status_report.ts";

const T1 = new Date("2026-01-01T01:00:00Z"), T2 = new Date("2026-01-01T01:05:00Z");

function _untimed(report: StatusReport): unknown {
  return { ...report, generated_at: null, findings: report.findings.map((f) => ({ ...f, ts: null })) };
}

Deno.test("statusReport: two reports of one tree are equal apart from their time, in one order", async () => {
  const root = await fixtureTree(), store = await fixtureStore();
  try {
    const options = { root, store, tasks: false, registries: false } as const;
    const first = await statusReport({ ...options, now: T1 });
    const second = await statusReport({ ...options, now: T2 });
    assert.notEqual(first.generated_at, second.generated_at);
    assert.deepEqual(_untimed(first), _untimed(second));
    assert.equal(formatStatusMarkdown({ ...second, generated_at: first.generated_at }), formatStatusMarkdown(first));
    assert.deepEqual(
      first.findings.map((f) => `${f.kind}/${f.rule}`),
      [
        "parse_error/syntax",
        "stub/not_implemented",
        "stub/empty_body",
        "todo/todo",
        "todo/fixme",
        "todo/todo",
        "untested/no_test",
        "no_example/no_example",
        "no_example/no_example",
        "no_example/no_example",
        // By path: run A's checkpoint and metrics files, then run B's eval file and run.json.
        "anomaly/checksum_failed",
        "anomaly/loss_spike",
        "anomaly/nan_loss",
        "anomaly/throughput_drop",
        "anomaly/ci_overlap",
        "anomaly/stuck_run",
      ],
    );
    assert.ok(first.findings.every((f) => f.ts === T1.toISOString() && f.schema_version === 1));
    assert.deepEqual(first.summary.by_severity, { error: 3, warning: 7, info: 6 });
    assert.deepEqual(first.code.todo_by_file, [
      { path: "lib/widgets/stubby.ts", todo: 1, fixme: 1 },
      { path: "lib/widgets/stubby_test.ts", todo: 1, fixme: 0 },
    ]);
    assert.equal(first.tasks, null);
    assert.equal(first.registries, null);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("writeStatusReport: status.md, status.json, findings.ndjson (the status_findings view) and history", async () => {
  const root = await fixtureTree(), store = await fixtureStore();
  const out = join(store, "status");
  try {
    const report = await statusReport({ root, store, tasks: false, registries: false, now: T1 });
    const files = await writeStatusReport(report, out);
    assert.deepEqual(files, {
      markdown: join(out, "status.md"),
      json: join(out, "status.json"),
      ndjson: join(out, "findings.ndjson"),
      history: join(out, "history", "status-20260101-010000.json"),
    });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(files.json)), report);
    assert.equal(await Deno.readTextFile(files.history), await Deno.readTextFile(files.json));
    const lines = (await Deno.readTextFile(files.ndjson)).trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines, report.findings);
    // Every record has every field, in the view's order.
    const fields = [
      "schema_version",
      "ts",
      "kind",
      "rule",
      "severity",
      "path",
      "line",
      "symbol",
      "run_id",
      "value",
      "message",
    ];
    assert.ok(lines.every((l) => JSON.stringify(Object.keys(l)) === JSON.stringify(fields)));
    const md = await Deno.readTextFile(files.markdown);
    for (const h of ["# Status report", "## Code", "### Stubs", "## Registries", "## Tasks", "## Runs"]) {
      assert.ok(md.includes(`\n${h}\n`) || md.startsWith(`${h}\n`), h);
    }
    assert.match(md, /\| lib\/widgets\/stubby\.ts:9 \| not_implemented \| spin \|/);

    const s = await openRunStore(store, { cache: false });
    try {
      const rows = await s.query(
        "SELECT kind, count(*) AS n FROM status_findings WHERE ts = $ts GROUP BY kind ORDER BY kind",
        { ts: T1 },
      );
      assert.deepEqual(rows, [
        { kind: "anomaly", n: 6 },
        { kind: "no_example", n: 3 },
        { kind: "parse_error", n: 1 },
        { kind: "stub", n: 2 },
        { kind: "todo", n: 3 },
        { kind: "untested", n: 1 },
      ]);
      assert.deepEqual(
        await s.query("SELECT path, line, symbol FROM status_findings WHERE rule = 'not_implemented'"),
        [{ path: "lib/widgets/stubby.ts", line: 9, symbol: "spin" }],
      );
      assert.deepEqual(
        await s.query("SELECT run_id, symbol FROM status_findings WHERE rule = 'checksum_failed'"),
        [{ run_id: A, symbol: "step-000010" }],
      );
    } finally {
      s.close();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("--since: the newest earlier report by date, or a file; added and removed findings", async () => {
  const root = await fixtureTree(), store = await Deno.makeTempDir();
  const out = join(store, "status");
  try {
    const options = { root, store, tasks: false, registries: false } as const;
    await writeStatusReport(await statusReport({ ...options, now: T1 }), out);
    // Fix the stub, add a marker and move every line down by one.
    const stubby = join(root, "lib/widgets/stubby.ts");
    const text = await Deno.readTextFile(stubby);
    await Deno.writeTextFile(
      stubby,
      "// FIXME: split this file\n" + text.replace("  paint(): void {}", "  paint(): void {\n    this.size();\n  }"),
    );
    const after = await statusReport({ ...options, now: T2 });
    const { report: before, source } = await loadStatusReport("2026-01-01T01:02:00Z", join(out, "history"));
    assert.equal(source, join(out, "history", "status-20260101-010000.json"));
    const changes = diffStatusReports(before, after, source);
    assert.equal(changes.since, T1.toISOString());
    assert.deepEqual(changes.added.map((f) => [f.rule, f.line, f.message]), [["fixme", 1, "FIXME: split this file"]]);
    assert.deepEqual(changes.removed.map((f) => [f.rule, f.symbol]), [["empty_body", "Widget.paint"]]);
    // The same by file; a date before every report, or neither a file nor a date, is an error.
    assert.equal(
      (await loadStatusReport(join(out, "status.json"), join(out, "history"))).report.generated_at,
      before.generated_at,
    );
    await assert.rejects(
      () => loadStatusReport("2025-12-31", join(out, "history")),
      /Cannot compare reports: no report/,
    );
    await assert.rejects(
      () => loadStatusReport("last tuesday", join(out, "history")),
      /neither a status.json file nor a date/,
    );
    // The empty store of this test says so.
    assert.deepEqual(after.findings.filter((f) => f.kind === "runs").map((f) => f.message), [
      `no runs in ${join(store, "runs")}`,
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("--since: only the sections both reports checked are compared, and the others are named", async () => {
  const root = await fixtureTree(), store = await fixtureStore();
  try {
    const options = { root, store, tasks: false, registries: false } as const;
    const full = await statusReport({ ...options, now: T1 });
    const noRuns = await statusReport({ ...options, runs: false, now: T2 });
    assert.equal(full.findings.filter((f) => f.kind === "anomaly").length, 6);
    // --no-runs after a full report: the anomalies are not "removed", nor added the other way round.
    for (const [before, after] of [[full, noRuns], [noRuns, full]] as const) {
      const d = diffStatusReports(before, after, "old.json");
      assert.deepEqual([d.added, d.removed, d.not_compared], [[], [], ["registries", "tasks", "runs"]]);
    }
    const same = diffStatusReports(full, { ...full, generated_at: T2.toISOString() });
    assert.deepEqual(same.not_compared, ["registries", "tasks"]);

    // Tasks: only the --help both reports ran (`--tasks a` after a full check) is compared.
    const task = (name: string, checked: boolean, ok: boolean | null) => ({
      name,
      command: `deno run tasks/${name}.ts`,
      checked,
      ok,
      exit_code: ok === null ? null : ok ? 0 : 1,
      usage: ok,
      note: "",
    });
    const failed = (name: string) =>
      makeFinding({
        kind: "task",
        rule: "help_failed",
        severity: "error",
        path: "deno.json",
        symbol: name,
        message: `deno task ${name} --help fails`,
      }, T1.toISOString());
    const allTasks = {
      ...full,
      registries: [],
      tasks: [task("a", true, false), task("b", true, false), task("c", true, true)],
      findings: [...full.findings, failed("a"), failed("b")],
    };
    const onlyA = {
      ...full,
      generated_at: T2.toISOString(),
      registries: [],
      tasks: [task("a", true, true), task("b", false, null), task("c", false, null)],
    };
    const d = diffStatusReports(allTasks, onlyA, "old.json");
    assert.deepEqual(d.removed.map((f) => f.symbol), ["a"]);
    assert.deepEqual(d.added, []);
    assert.deepEqual(d.not_compared, ["2 of 3 tasks"]);
    const md = formatStatusMarkdown({ ...onlyA, since: d });
    assert.match(md, /1 removed\. Not compared \(not checked in both reports\): 2 of 3 tasks\.\n/);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("loadStatusReport: a --since file that may not be read is a one-line permission error", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "status.json");
  try {
    await Deno.writeTextFile(file, "{}");
    // The check in a process that may read only the repository (deno eval would allow everything).
    const repo = new URL("../..", import.meta.url).pathname;
    const probe = join(dir, "probe.ts");
    await Deno.writeTextFile(
      probe,
      `import { loadStatusReport } from ${JSON.stringify(new URL("./diff_status_reports.ts", import.meta.url).href)};
try { await loadStatusReport(${JSON.stringify(file)}, "history"); } catch (err) {
  console.log(\`\${(err as Error).constructor.name}: \${(err as Error).message}\`);
}\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", `--config=${join(repo, "deno.json")}`, `--allow-read=${repo}`, probe],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(
      new TextDecoder().decode(out.stdout).trim(),
      `NotCapable: Cannot compare reports: no read access to ${file} (it needs --allow-read=${file})`,
      new TextDecoder().decode(out.stderr),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
