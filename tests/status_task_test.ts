// `deno task status` as users run it, with the task's own permissions
// (it may write only artifacts/status/).
import assert from "node:assert/strict";
import { join } from "node:path";
import { root, taskCommand } from "./_task.ts";

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
  assert.match(text(since.stdout), /^ {2}since {7}\S+Z \(artifacts\/status\/status\.json\): \d+ added, \d+ removed$/m);

  const bad = await taskCommand("status", ["--no-tasks", "--since", "last tuesday"]).output();
  assert.equal(bad.code, 1);
  assert.equal(
    text(bad.stderr).trim().split("\n").at(-1),
    'error: Cannot compare reports: "last tuesday" is neither a status.json file nor a date',
  );
  const help = await taskCommand("status", ["--help"]).output();
  assert.equal(help.code, 0);
  assert.match(text(help.stdout), /^Usage: deno task status/);
});

Deno.test("status task: an empty run store reports no runs and exits 0", async () => {
  // The store must sit where the task may write its report: under artifacts/status/.
  await Deno.mkdir(join(root, "artifacts/status"), { recursive: true });
  const store = await Deno.makeTempDir({ dir: join(root, "artifacts/status"), prefix: "test-empty-store-" });
  try {
    const rel = store.slice(root.length).replace(/^\/+/, "");
    const run = await taskCommand("status", ["--no-registries", "--no-tasks", "--store", rel]).output();
    assert.equal(run.code, 0, text(run.stderr));
    assert.match(text(run.stdout), new RegExp(`^ {2}runs {8}no runs in ${rel}/runs$`, "m"));
    const findings = (await Deno.readTextFile(join(store, "status/findings.ndjson"))).trimEnd().split("\n")
      .map((l) => JSON.parse(l)).filter((f) => f.kind === "runs");
    assert.deepEqual(findings.map((f) => [f.rule, f.message]), [["no_runs", `no runs in ${rel}/runs`]]);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});
