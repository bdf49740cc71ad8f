import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tinyConfig } from "../train/_testing.ts";
import { trainLanguageModel } from "../train/mod.ts";
import { type MetricRecord, readNdjson } from "../telemetry/mod.ts";
import { openRunStore } from "./open_run_store.ts";

const FIXTURE = fileURLToPath(new URL("./testdata/store", import.meta.url));
const A = "20260101-000000-aaaa", B = "20260101-000100-bbbb", C = "20260101-000200-cccc";

async function copyFixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "codex-store-" });
  await cp(FIXTURE, dir, { recursive: true });
  return dir;
}

Deno.test("openRunStore: bad lines and files are skipped, and check() says where", async () => {
  const dir = await copyFixture();
  // A torn run.json (never written by Run, which renames into place, but a
  // copy can be cut short) and a checkpoint being written.
  await Deno.writeTextFile(join(dir, "runs", C, "run.json"), '{\n  "run_id": "' + C);
  await Deno.mkdir(join(dir, "runs", A, "checkpoints", ".tmp-step-000006-1a2b"));
  await Deno.writeTextFile(join(dir, "runs", A, "checkpoints", ".tmp-step-000006-1a2b", "state.json"), '{"step": 6}');
  const store = await openRunStore(dir);
  try {
    assert.deepEqual(await store.query("SELECT run_id, status, seed, versions FROM runs ORDER BY run_id"), [
      { run_id: A, status: "finished", seed: 1, versions: { deno: "2.9.6", tfjs: "4.22.0", codex: "0.1.0" } },
      { run_id: B, status: "interrupted", seed: 2, versions: { deno: "2.9.6", tfjs: "4.22.0", codex: "0.1.0" } },
    ]);
    // A: 9 lines, one not JSON and one torn; B: 6 lines, one with step "three".
    assert.deepEqual(await store.query("SELECT run_id, count(*) AS n FROM metrics GROUP BY ALL ORDER BY run_id"), [
      { run_id: A, n: 7 },
      { run_id: B, n: 5 },
      { run_id: C, n: 1 },
    ]);
    assert.deepEqual(await store.query("SELECT name, is_latest, is_best, size_bytes FROM checkpoints ORDER BY name"), [
      { name: "step-000002", is_latest: false, is_best: true, size_bytes: 1100 },
      { name: "step-000004", is_latest: true, is_best: false, size_bytes: 1101 },
    ]);
    // Status findings: two whole lines, the torn third skipped; nullable fields read null.
    assert.deepEqual(
      await store.query("SELECT kind, rule, path, line, run_id, value FROM status_findings ORDER BY kind"),
      [
        { kind: "anomaly", rule: "nan_loss", path: `runs/${B}/metrics.ndjson`, line: null, run_id: B, value: 1 },
        { kind: "todo", rule: "todo", path: "lib/query/open_run_store.ts", line: 12, run_id: null, value: null },
      ],
    );
    const check = await store.check();
    assert.equal(check.files, 18);
    assert.deepEqual(
      check.skipped.map((s) => [s.file.slice(dir.length + 1), s.view, s.unit, s.skipped, s.total, s.tornEnd]),
      [
        [`runs/${A}/metrics.ndjson`, "metrics", "line", 2, 9, true],
        [`runs/${B}/metrics.ndjson`, "metrics", "line", 1, 6, false],
        [`runs/${C}/run.json`, "runs", "file", 1, 1, false],
        ["status/findings.ndjson", "status_findings", "line", 1, 3, false],
      ],
    );
  } finally {
    store.close();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openRunStore: helpers and parameters", async () => {
  const store = await openRunStore(FIXTURE);
  try {
    // B's last val loss was NaN (written as null): last, but never "best".
    assert.deepEqual(await store.compareRuns([B, A, "nope"], "loss"), [
      { run_id: A, value: 2.7, step: 4 },
      { run_id: B, value: null, step: 4 },
    ]);
    assert.deepEqual(await store.compareRuns([], "loss"), []);
    assert.deepEqual(await store.bestRuns("loss", 5), [{ run_id: A, value: 2.7, step: 4 }]);
    assert.deepEqual(await store.bestRuns("loss", 1, { split: "train", mode: "max" }), [
      { run_id: C, value: 3.9, step: 1 },
    ]);
    await assert.rejects(() => store.bestRuns("loss", 0), RangeError);
    assert.equal(await store.lastValue(A, "loss"), 2.7);
    assert.equal(await store.lastValue(A, "loss", "train"), 2.4);
    assert.equal(await store.lastValue(B, "loss"), null);
    assert.equal(await store.lastValue(A, "no-such-metric"), null);
    assert.deepEqual((await store.curves([A, B], "loss")).map((p) => `${p.run_id.slice(-4)}@${p.step}=${p.value}`), [
      "aaaa@1=3.5",
      "aaaa@2=3",
      "aaaa@3=2.6",
      "aaaa@4=2.4",
      "bbbb@1=3.4",
      "bbbb@2=2.9",
      "bbbb@4=2.2",
    ]);
    // Named, positional, Date and list parameters; a quote in a value is data, not SQL.
    const named = await store.query("SELECT count(*) AS n FROM metrics WHERE run_id = $run AND ts > $after", {
      run: A,
      after: new Date("2026-01-01T00:00:02.500Z"),
    });
    assert.deepEqual(named, [{ n: 3 }]);
    assert.deepEqual(await store.query("SELECT $1 + 1 AS x, ? AS y", [41, "it's"]), [{ x: 42, y: "it's" }]);
    assert.deepEqual(await store.query("SELECT count(*) AS n FROM runs WHERE run_id = $id", { id: "x' OR '1'='1" }), [
      { n: 0 },
    ]);
    await assert.rejects(() => store.query("SELECT $x AS x", { x: undefined }), TypeError);
    const streamed = [];
    for await (const chunk of store.stream("SELECT range AS i FROM range(5000)")) streamed.push(chunk.length);
    assert.deepEqual(streamed, [2048, 2048, 904]);
  } finally {
    store.close();
  }
});

Deno.test("openRunStore: DuckDB errors keep DuckDB's message and position", async () => {
  const store = await openRunStore(FIXTURE);
  try {
    await assert.rejects(
      () => store.query("SELECT nope FROM runs"),
      (err: Error) => {
        assert.match(err.message, /^Cannot run query: Binder Error: Referenced column "nope" not found/);
        assert.match(err.message, /LINE 1: SELECT nope FROM runs\n\s+\^/);
        return true;
      },
    );
    await assert.rejects(() => store.query("SELEC 1"), SyntaxError);
    // The connection still works after an error.
    assert.deepEqual(await store.query("SELECT 1 AS one"), [{ one: 1 }]);
  } finally {
    store.close();
  }
});

Deno.test("openRunStore: reads what training writes, and sees runs written after it was opened", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codex-store-" });
  const store = await openRunStore(dir);
  try {
    assert.deepEqual(await store.query("SELECT count(*) AS n FROM metrics"), [{ n: 0 }]);
    const r = await trainLanguageModel(
      tinyConfig(join(dir, "runs"), ["train.max_steps=6", "train.eval_interval=3", "seed=3"]),
    );
    const [run] = await store.query("SELECT run_id, status, created_at, seed FROM runs");
    assert.equal(run!.run_id, r.run_id);
    assert.equal(run!.status, "finished");
    assert.ok(run!.created_at instanceof Date);
    const written = await readNdjson<MetricRecord>(join(r.dir, "metrics.ndjson"));
    const losses = written.filter((m) => m.split === "train" && m.metric === "loss").map((m) => m.value);
    assert.deepEqual((await store.curves([r.run_id], "loss")).map((p) => p.value), losses);
    assert.equal(await store.lastValue(r.run_id, "loss"), r.final_val_loss);
    const ckpts = await store.query("SELECT name, is_latest FROM checkpoints ORDER BY step");
    assert.deepEqual(ckpts, [{ name: "step-000003", is_latest: false }, { name: "step-000006", is_latest: true }]);
    const [sys] = await store.query("SELECT count(*) AS n, min(rss_bytes) > 0 AS rss FROM system");
    assert.equal(sys!.rss, true);
    assert.deepEqual((await store.check()).skipped, []);
  } finally {
    store.close();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openRunStore: large NDJSON files are read through Parquet copies that follow the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codex-store-" });
  const runDir = join(dir, "runs", A);
  await Deno.mkdir(runDir, { recursive: true });
  await Deno.writeTextFile(join(runDir, "run.json"), JSON.stringify({ run_id: A, status: "running" }));
  const line = (step: number) =>
    JSON.stringify({
      schema_version: 1,
      run_id: A,
      step,
      epoch: step / 100,
      split: step % 2 ? "train" : "val",
      metric: "loss",
      value: 1 / step,
      ts: new Date(Date.UTC(2026, 0, 1) + step).toISOString(),
      tokens_seen: step * 64,
    }) + "\n";
  // About 1.5 MiB, with one line that is not JSON.
  let text = "";
  for (let step = 1; step <= 8000; step++) text += line(step) + (step === 10 ? "not json\n" : "");
  await Deno.writeTextFile(join(runDir, "metrics.ndjson"), text);
  const cache = join(dir, ".query-cache");
  const parquetFiles = () => [...Deno.readDirSync(cache)].map((e) => e.name).filter((n) => n.endsWith(".parquet"));
  const summary =
    "SELECT split, count(*) AS n, sum(value) AS s, max(ts) AS last FROM metrics GROUP BY split ORDER BY split";

  const store = await openRunStore(dir), direct = await openRunStore(dir, { cache: false });
  try {
    const expected = await direct.query(summary);
    assert.deepEqual(expected.map((r) => r.n), [4000, 4000]);
    assert.deepEqual(await store.query(summary), expected);
    assert.equal(parquetFiles().length, 1);
    assert.deepEqual(
      (await store.query("DESCRIBE metrics")).map((c) => c.column_type),
      ["INTEGER", "VARCHAR", "BIGINT", "DOUBLE", "VARCHAR", "VARCHAR", "DOUBLE", "TIMESTAMP", "BIGINT"],
    );
    // The run goes on: a new copy; the old one is removed once it is ten minutes old.
    const [old] = parquetFiles();
    await Deno.utime(join(cache, old!), new Date(Date.now() - 11 * 60_000), new Date(Date.now() - 11 * 60_000));
    await Deno.writeTextFile(join(runDir, "metrics.ndjson"), line(8001), { append: true });
    assert.deepEqual(await store.query(summary), await direct.query(summary));
    assert.deepEqual((await store.query("SELECT count(*) AS n FROM metrics"))[0], { n: 8001 });
    assert.equal(parquetFiles().length, 1);
    assert.notEqual(parquetFiles()[0], old);
    // check() reads the NDJSON itself.
    assert.deepEqual((await store.check()).skipped.map((s) => s.skipped), [1]);
  } finally {
    store.close();
    direct.close();
  }
  // A cache folder that cannot be made: every file is read directly.
  await Deno.remove(cache, { recursive: true });
  await Deno.writeTextFile(cache, "not a folder");
  const fallback = await openRunStore(dir);
  try {
    assert.deepEqual((await fallback.query("SELECT count(*) AS n FROM metrics"))[0], { n: 8001 });
  } finally {
    fallback.close();
  }
  await Deno.remove(dir, { recursive: true });
});
