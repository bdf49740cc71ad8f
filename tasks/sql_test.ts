// `deno task sql` as users run it, with the task's own permissions, on the
// query layer's fixture store (tests/sql_task_test.ts has more cases).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const STORE = fileURLToPath(new URL("../lib/query/testdata/store", import.meta.url));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SQL_ARGS = (JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks.sql as string).split(/\s+/).slice(
  1,
);

// Runs the task with `args`, and `stdin` piped in when given.
async function sql(args: string[], stdin?: string) {
  const proc = new Deno.Command(Deno.execPath(), {
    args: [...SQL_ARGS, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = proc.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await proc.output();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("sql task: a table with the row count and time; NDJSON and CSV to a file", async () => {
  const table = await sql(["--store", STORE, "SELECT run_id, status, versions FROM runs WHERE seed = 1"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(
    table.stdout,
    /^run_id\s+status\s+versions\n[- ]+\n20260101-000000-aaaa\s+finished\s+\{"deno":"2\.9\.6","tfjs":"4\.22\.0","code\.\.\.\n\(1 row, \d+ ms\)\n$/,
  );
  const nd = await sql(["--store", STORE, "--format", "ndjson", "SELECT name, is_best FROM checkpoints ORDER BY name"]);
  assert.equal(nd.stdout, '{"name":"step-000002","is_best":true}\n{"name":"step-000004","is_best":false}\n');
  const dir = await Deno.makeTempDir();
  const out = join(dir, "val.csv");
  const csv = await sql([
    "--store",
    STORE,
    "--format",
    "csv",
    "--out",
    out,
    "SELECT step, value FROM metrics WHERE split = 'val' ORDER BY run_id, step",
  ]);
  assert.equal(csv.stdout, `Wrote 4 rows to ${out}\n`);
  assert.equal(await Deno.readTextFile(out), "step,value\n2,3.1\n4,2.7\n2,2.5\n4,\n");
  const bad = await sql(["--store", STORE, "--format", "xml", "SELECT 1"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: Cannot run query: --format must be table, csv, json, ndjson or parquet/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sql task: the prompt reads piped statements over several lines, keeps going after errors, keeps history", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, ".sql_history"), "SELECT 'old' AS earlier;\n");
  const input = [
    "SELECT count(*) AS n",
    "  FROM runs;",
    ".tables",
    "SELECT nope FROM runs;",
    "SELECT 41 + 1 AS answer",
  ].join("\n");
  const r = await sql(["--store", dir], input);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^n\n-\n0\n\(1 row, \d+ ms\)\n/);
  assert.match(
    r.stdout,
    /\n {2}status_findings +schema_version, ts, kind, rule, severity, path, line, symbol, run_id, value, message\n/,
  );
  assert.match(r.stdout, /\nanswer\n------\n +42\n\(1 row, \d+ ms\)\n$/);
  assert.match(r.stderr, /^error: Cannot run query: Binder Error: Referenced column "nope" not found/);
  assert.equal(
    await Deno.readTextFile(join(dir, ".sql_history")),
    "SELECT 'old' AS earlier;\nSELECT count(*) AS n   FROM runs;\nSELECT nope FROM runs;\nSELECT 41 + 1 AS answer;\n",
  );
  await Deno.remove(dir, { recursive: true });
});
