import assert from "node:assert/strict";
import { join } from "node:path";
import { tinyConfig } from "../train/_testing.ts";
import { trainLanguageModel } from "../train/mod.ts";
import { type MetricRecord, readNdjson } from "../telemetry/mod.ts";
import { openRunStore } from "./open_run_store.ts";
import { runStoreKysely } from "./kysely_dialect.ts";
import { VIEWS } from "./run_store_db.ts";

Deno.test("openRunStore: typed views over every run; missing files give empty views; bad lines are skipped", async () => {
  const store = await Deno.makeTempDir({ prefix: "codex-store-" });
  const empty = await openRunStore(store);
  for (const view of Object.keys(VIEWS)) {
    assert.deepEqual(await empty.query(`SELECT count(*) AS n FROM ${view}`), [{ n: 0 }], view);
  }
  empty.close();

  const runs = join(store, "runs");
  const a = await trainLanguageModel(tinyConfig(runs, ["train.max_steps=10", "train.eval_interval=5", "seed=1"]));
  const b = await trainLanguageModel(
    tinyConfig(runs, ["train.max_steps=10", "train.eval_interval=5", "seed=2", "train.lr=1e-2"]),
  );
  // A torn last line and a malformed one, as a crash might leave.
  await Deno.writeTextFile(join(a.dir, "metrics.ndjson"), '{"oops": \n{"schema_version":1,"run_id":"x","st', {
    append: true,
  });
  const s = await openRunStore(store);
  const rows = await s.query("SELECT run_id, status, created_at, seed FROM runs ORDER BY seed");
  assert.deepEqual(rows.map((r) => [r.run_id, r.status, r.seed]), [[a.run_id, "finished", 1], [
    b.run_id,
    "finished",
    2,
  ]]);
  assert.ok(rows[0]!.created_at instanceof Date);
  const fromFile = (await readNdjson<MetricRecord>(join(b.dir, "metrics.ndjson"))).filter((m) =>
    m.split === "train" && m.metric === "loss"
  );
  const curve = await s.curves([b.run_id], "loss");
  assert.deepEqual(curve.map((r) => r.value), fromFile.map((m) => m.value));
  assert.equal(await s.lastValue(a.run_id, "loss"), a.final_val_loss);
  const best = await s.bestRuns("loss", 1);
  assert.equal(best[0]!.run_id, a.final_val_loss < b.final_val_loss ? a.run_id : b.run_id);
  assert.equal((await s.compareRuns([a.run_id, b.run_id], "loss")).length, 2);
  assert.equal(
    (await s.query("SELECT count(*) AS n FROM metrics WHERE run_id = $r", { r: "x" }))[0]!.n,
    0,
    "bad lines skipped",
  );
  assert.deepEqual(await s.query("SELECT count(*) AS n FROM checkpoints WHERE run_id = $r", { r: a.run_id }), [{
    n: 2,
  }]);
  await assert.rejects(() => s.query("SELECT nope FROM runs"), /Cannot run query: Binder Error: .*"nope"/);
  s.close();
  await Deno.remove(store, { recursive: true });
});

Deno.test("runStoreKysely: typed queries with parameters; a wrong column does not compile", async () => {
  const store = await Deno.makeTempDir({ prefix: "codex-store-" });
  const r = await trainLanguageModel(tinyConfig(join(store, "runs"), ["train.max_steps=6", "train.eval_interval=3"]));
  const s = await openRunStore(store);
  const db = runStoreKysely(s);
  const rows = await db.selectFrom("metrics")
    .select(["step", "value"])
    .where("run_id", "=", r.run_id)
    .where("split", "=", "val")
    .where("metric", "=", "loss")
    .orderBy("step")
    .execute();
  assert.deepEqual(rows.map((x) => x.step), [3, 6]);
  assert.equal(rows[1]!.value, r.final_val_loss);
  const runs = await db.selectFrom("runs").select(["run_id", "status"]).execute();
  assert.deepEqual(runs, [{ run_id: r.run_id, status: "finished" }]);
  // @ts-expect-error: "valu" is not a column of metrics
  await assert.rejects(() => db.selectFrom("metrics").select(["valu"]).execute(), /valu/);
  s.close();
  await Deno.remove(store, { recursive: true });
});
