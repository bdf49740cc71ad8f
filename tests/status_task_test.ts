// `deno task status` as users run it, with the task's own permissions
// (it may read the repository and write only under artifacts/).
import assert from "node:assert/strict";
import { join } from "node:path";
import { root, taskCommand, testRunsDir } from "./_task.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("status task: writes the report, its findings are queryable, --since compares, bad input is one line", async () => {
  // Checks the --help of two tasks (all of them is the slow part); registries are tested beside their code.
  const run = await taskCommand("status", ["--no-registries", "--tasks", "sql,status"]).output();
  assert.equal(run.code, 0, text(run.stderr));
  const out = text(run.stdout);
  assert.match(out, /^codex status: \d+ findings \(\d+ error, \d+ warning, \d+ info\) in [\d.]+ s$/m);
  assert.match(out, /^ {2}tasks {7}\d+ tasks: 2 --help ok, \d+ not checked$/m);
  assert.match(
    out,
    /^ {2}written to {2}artifacts\/status\/status\.md, artifacts\/status\/status\.json, artifacts\/status\/findings\.ndjson$/m,
  );

  const report = JSON.parse(await Deno.readTextFile(join(root, "artifacts/status/status.json")));
  assert.equal(report.registries, null);
  assert.deepEqual(
    report.tasks.filter((t: { checked: boolean }) => t.checked).map((
      t: { name: string; ok: boolean },
    ) => [t.name, t.ok]),
    [["sql", true], ["status", true]],
  );
  const lines = (await Deno.readTextFile(join(root, "artifacts/status/findings.ndjson"))).trimEnd().split("\n");
  assert.equal(lines.length, report.findings.length);
  for (const l of lines) {
    const f = JSON.parse(l);
    assert.equal(typeof f.kind, "string");
    assert.equal(typeof f.message, "string");
    assert.ok("path" in f);
  }

  // The status_findings view through deno task sql reads the same findings.
  const sql = await taskCommand("sql", [
    "--format",
    "json",
    "SELECT count(*) AS n, count(*) FILTER (WHERE kind = 'task') AS tasks FROM status_findings WHERE ts = (SELECT max(ts) FROM status_findings)",
  ]).output();
  assert.equal(sql.code, 0, text(sql.stderr));
  assert.deepEqual(JSON.parse(text(sql.stdout)), [{ n: report.findings.length, tasks: 0 }]);

  const since = await taskCommand("status", [
    "--no-registries",
    "--no-tasks",
    "--since",
    "artifacts/status/status.json",
  ])
    .output();
  assert.equal(since.code, 0, text(since.stderr));
  // The earlier report checked two tasks' --help and this one none: tasks (and registries) are left out.
  assert.match(
    text(since.stdout),
    /^ {2}since {7}\S+Z \(artifacts\/status\/status\.json\): \d+ added, \d+ removed; not compared \(not checked in both\): registries, tasks$/m,
  );

  const bad = await taskCommand("status", ["--no-tasks", "--since", "last tuesday"]).output();
  assert.equal(bad.code, 1);
  assert.equal(
    text(bad.stderr).trim().split("\n").at(-1),
    'error: Cannot compare reports: "last tuesday" is neither a status.json file nor a date',
  );
  // A task name deno.json does not have is an error, not "0 --help ok".
  const nosuch = await taskCommand("status", ["--no-registries", "--no-runs", "--tasks", "nosuch"]).output();
  assert.equal(nosuch.code, 1);
  assert.match(
    text(nosuch.stderr).trim().split("\n").at(-1)!,
    /^error: Cannot check tasks: no task "nosuch" in deno\.json \(the tasks: [\w:, ]*\bsql, status\b[\w:, ]*\)$/,
  );
  const help = await taskCommand("status", ["--help"]).output();
  assert.equal(help.code, 0);
  assert.match(text(help.stdout), /^Usage: deno task status/);
});

Deno.test("status task: a store under artifacts/ that does not exist yet reports no runs and exits 0", async () => {
  const dir = await testRunsDir();
  const rel = join(dir, "new-store");
  try {
    const run = await taskCommand("status", ["--no-registries", "--no-tasks", "--store", rel]).output();
    assert.equal(run.code, 0, text(run.stderr));
    assert.match(text(run.stdout), new RegExp(`^ {2}runs {8}no runs in ${rel}/runs$`, "m"));
    assert.match(text(run.stdout), new RegExp(`^ {2}written to {2}${rel}/status/status\\.md, `, "m"));
    const findings = (await Deno.readTextFile(join(root, rel, "status/findings.ndjson"))).trimEnd().split("\n")
      .map((l) => JSON.parse(l)).filter((f) => f.kind === "runs");
    assert.deepEqual(findings.map((f) => [f.rule, f.message]), [["no_runs", `no runs in ${rel}/runs`]]);
  } finally {
    await Deno.remove(join(root, dir), { recursive: true });
  }
});

Deno.test("status task: a store or --since file it may not use is one line saying how to run it", async () => {
  const outside = await Deno.makeTempDir({ prefix: "codex-status-outside-" });
  try {
    const store = await taskCommand("status", ["--no-registries", "--no-tasks", "--store", outside]).output();
    assert.equal(store.code, 1);
    assert.deepEqual(text(store.stderr).trim().split("\n").filter((l) => l.startsWith("error")), [
      `error: Cannot make status report: --store ${outside} needs read access to ${outside}, which this process ` +
      `does not have (deno task status reads only . and writes only under artifacts/; ` +
      `run deno run -A tasks/status.ts --store ${outside} instead)`,
    ]);
    // Readable (in the repository) but not writable: outside artifacts/.
    const lib = await taskCommand("status", ["--no-registries", "--no-tasks", "--store", "lib"]).output();
    assert.equal(lib.code, 1);
    assert.match(
      text(lib.stderr),
      /^error: Cannot make status report: --store lib needs write access to lib\/status, /m,
    );

    const file = join(outside, "status.json");
    await Deno.writeTextFile(file, "{}");
    const since = await taskCommand("status", ["--no-registries", "--no-tasks", "--since", file]).output();
    assert.equal(since.code, 1);
    assert.equal(
      text(since.stderr).trim().split("\n").at(-1),
      `error: Cannot compare reports: no read access to ${file} (it needs --allow-read=${file})`,
    );
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});
