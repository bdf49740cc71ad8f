import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openRunStore } from "./open_run_store.ts";
import { RUN_STORE_VIEWS } from "./run_store_views.ts";

const FIXTURE = fileURLToPath(new URL("./testdata/store", import.meta.url));

Deno.test("RUN_STORE_VIEWS: DuckDB builds every view with exactly the declared columns, with and without files", async () => {
  const empty = await Deno.makeTempDir({ prefix: "codex-store-" });
  for (const dir of [empty, FIXTURE]) {
    const store = await openRunStore(dir);
    try {
      for (const [view, info] of Object.entries(RUN_STORE_VIEWS)) {
        const described = await store.query(`DESCRIBE ${view}`);
        assert.deepEqual(
          described.map((c) => [c.column_name, c.column_type]),
          info.columns.map(([name, type]) => [name, type]),
          `${view} in ${dir}`,
        );
        const [{ n }] = await store.query(`SELECT count(*) AS n FROM ${view}`) as [{ n: number }];
        if (dir === empty) assert.equal(n, 0, view);
        else assert.ok(n > 0, `${view} has rows in the fixture store`);
      }
    } finally {
      store.close();
    }
  }
  await Deno.remove(empty, { recursive: true });
});
