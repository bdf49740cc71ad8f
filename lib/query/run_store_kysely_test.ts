import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { openRunStore } from "./open_run_store.ts";
import { runStoreKysely } from "./run_store_kysely.ts";

const FIXTURE = fileURLToPath(new URL("./testdata/store", import.meta.url));
const A = "20260101-000000-aaaa";

Deno.test("runStoreKysely: typed queries with parameters over the views", async () => {
  const store = await openRunStore(FIXTURE);
  try {
    const db = store.db;
    const val = await db.selectFrom("metrics")
      .select(["step", "value", "ts"])
      .where("run_id", "=", A)
      .where("split", "=", "val")
      .where("metric", "=", "loss")
      .where("ts", ">", new Date("2026-01-01T00:00:01Z"))
      .orderBy("step")
      .execute();
    assert.deepEqual(val, [
      { step: 2, value: 3.1, ts: new Date("2026-01-01T00:00:02Z") },
      { step: 4, value: 2.7, ts: new Date("2026-01-01T00:00:04Z") },
    ]);
    // Row types come from RUN_STORE_VIEWS: step is a number, value may be null.
    const step: number = val[0]!.step;
    const value: number | null = val[0]!.value;
    assert.equal(step + (value ?? 0), 5.1);

    const best = await db.selectFrom("checkpoints")
      .innerJoin("runs", "runs.run_id", "checkpoints.run_id")
      .select(["runs.name", "checkpoints.name as checkpoint", "checkpoints.val_loss"])
      .where("checkpoints.is_best", "=", true)
      .executeTakeFirstOrThrow();
    assert.deepEqual(best, { name: "names-gpt", checkpoint: "step-000002", val_loss: 3.1 });

    const perRun = await db.selectFrom("metrics")
      .select(["run_id", (eb) => eb.fn.count<number>("step").as("n")])
      .where("run_id", "in", [A, "20260101-000100-bbbb"])
      .groupBy("run_id")
      .orderBy("run_id")
      .execute();
    assert.deepEqual(perRun.map((r) => r.n), [7, 5]);

    const [{ answer }] = await sql<{ answer: number }>`SELECT ${41} + 1 AS answer`.execute(db).then((r) => r.rows) as [
      { answer: number },
    ];
    assert.equal(answer, 42);

    const chunks = [];
    for await (const row of db.selectFrom("events").select("kind").where("run_id", "=", A).orderBy("ts").stream()) {
      chunks.push(row.kind);
    }
    assert.deepEqual(chunks, ["start", "eval", "checkpoint", "end"]);

    const inTx = await db.transaction().execute((tx) =>
      tx.selectFrom("runs").select("status").where("run_id", "=", A).executeTakeFirst()
    );
    assert.deepEqual(inTx, { status: "finished" });
  } finally {
    store.close();
  }
});

Deno.test("runStoreKysely: a wrong view or column name does not compile", async () => {
  const store = await openRunStore(FIXTURE);
  const db = runStoreKysely(store);
  try {
    // @ts-expect-error: "valu" is not a column of metrics
    await assert.rejects(() => db.selectFrom("metrics").select(["valu"]).execute(), /"valu" not found/);
    // @ts-expect-error: there is no view "metric"
    await assert.rejects(() => db.selectFrom("metric").selectAll().execute(), /Table with name metric does not exist/);
    // @ts-expect-error: status_findings has no column "file" (it is "path")
    await assert.rejects(() => db.selectFrom("status_findings").select("file").execute(), /"file" not found/);
  } finally {
    store.close();
  }
});
