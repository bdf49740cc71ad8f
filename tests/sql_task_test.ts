// `deno task sql` as users run it, with the task's own permissions.
import assert from "node:assert/strict";
import { join } from "node:path";
import { taskCommand } from "./_task.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("sql task: JSON, CSV and Parquet output; DuckDB's error with its position", async () => {
  const store = await Deno.makeTempDir();
  await Deno.mkdir(join(store, "runs", "r1"), { recursive: true });
  await Deno.writeTextFile(
    join(store, "runs", "r1", "run.json"),
    JSON.stringify({ run_id: "r1", name: "n", status: "finished", seed: 3 }),
  );
  await Deno.writeTextFile(
    join(store, "runs", "r1", "metrics.ndjson"),
    [1, 2].map((step) =>
      JSON.stringify({ schema_version: 1, run_id: "r1", step, split: "val", metric: "loss", value: 3 - step })
    ).join("\n") + "\n",
  );
  const json = await taskCommand("sql", [
    "--store",
    store,
    "--format",
    "json",
    "SELECT step, value FROM metrics ORDER BY step",
  ]).output();
  assert.equal(json.code, 0, text(json.stderr));
  assert.deepEqual(JSON.parse(text(json.stdout)), [{ step: 1, value: 2 }, { step: 2, value: 1 }]);
  const table = await taskCommand("sql", ["--store", store, "SELECT run_id, seed FROM runs"]).output();
  assert.match(text(table.stdout), /^run_id\s+seed\n-+\s+-+\nr1\s+3\n\(1 row, \d+ ms\)$/m);
  const out = join(store, "m.parquet");
  assert.equal(
    (await taskCommand("sql", ["--store", store, "--format", "parquet", "--out", out, "SELECT * FROM metrics"])
      .output()).code,
    0,
  );
  const back = await taskCommand("sql", [
    "--store",
    store,
    "--format",
    "csv",
    `SELECT count(*) AS n FROM read_parquet('${out}')`,
  ]).output();
  assert.equal(text(back.stdout), "n\n2\n");
  const bad = await taskCommand("sql", ["--store", store, "SELECT nope FROM runs"]).output();
  assert.equal(bad.code, 1);
  assert.match(text(bad.stderr), /Referenced column "nope" not found[\s\S]*LINE 1: SELECT nope FROM runs/);
  const piped = await new Deno.Command(Deno.execPath(), {
    args: [
      ...(JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))).tasks.sql as string).split(
        /\s+/,
      ).slice(1),
      "--store",
      store,
    ],
    cwd: new URL("..", import.meta.url).pathname,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = piped.stdin.getWriter();
  await w.write(new TextEncoder().encode("SELECT count(*) AS n\nFROM metrics;\n.quit\n"));
  await w.close();
  const r = await piped.output();
  assert.match(text(r.stdout), /^n\n-\n2\n\(1 row/m);
  assert.match(await Deno.readTextFile(join(store, ".sql_history")), /SELECT count\(\*\) AS n FROM metrics;/);
  await Deno.remove(store, { recursive: true });
});

Deno.test("runs task: list, compare, doctor, and rm only with --yes when there is no terminal", async () => {
  const store = await Deno.makeTempDir();
  for (const [id, loss] of [["r1", 2.5], ["r2", 2.1]] as const) {
    await Deno.mkdir(join(store, "runs", id), { recursive: true });
    await Deno.writeTextFile(
      join(store, "runs", id, "run.json"),
      JSON.stringify({ run_id: id, name: id, status: "finished" }),
    );
    await Deno.writeTextFile(
      join(store, "runs", id, "metrics.ndjson"),
      JSON.stringify({ schema_version: 1, run_id: id, step: 10, split: "val", metric: "loss", value: loss }) + "\n",
    );
  }
  await Deno.writeTextFile(join(store, "runs", "r2", "metrics.ndjson"), '{"torn": ', { append: true });
  const list = await taskCommand("runs", ["list", "--store", store]).output();
  assert.match(text(list.stdout), /r1\s+r1\s+finished\s+.*10\s+2\.5\n/);
  const cmp = await taskCommand("runs", ["compare", "r1", "r2", "--store", store]).output();
  assert.match(text(cmp.stdout), /r2\s+2\.1\s+10\nr1\s+2\.5\s+10/);
  const doc = await taskCommand("runs", ["doctor", "--store", store]).output();
  assert.match(
    text(doc.stdout),
    /r2\/metrics\.ndjson: 1 line\(s\) skipped by queries \(malformed or torn at the end\)/,
  );
  const refuse = await taskCommand("runs", ["rm", "r1", "--store", store]).output();
  assert.equal(refuse.code, 1);
  assert.match(text(refuse.stderr), /pass --yes/);
  assert.equal((await taskCommand("runs", ["rm", "r1", "--yes", "--store", store]).output()).code, 0);
  assert.deepEqual([...Deno.readDirSync(join(store, "runs"))].map((e) => e.name), ["r2"]);
  const missing = await taskCommand("runs", ["show", "nope", "--store", store]).output();
  assert.match(text(missing.stderr), /Cannot find run "nope" in .* \(runs: r2\)/);
  await Deno.remove(store, { recursive: true });
});
