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
