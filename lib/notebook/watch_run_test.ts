// watchRun outside Jupyter: the loss chart of a run folder, rewritten as a file as the run appends.
import assert from "node:assert/strict";
import { join } from "node:path";
import { notebook } from "./notebook.ts";
import { latestRunDir, watchRun } from "./watch_run.ts";

const ndjson = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");
const loss = (step: number, split = "train") => ({
  schema_version: 1,
  run_id: "r1",
  step,
  epoch: 0,
  split,
  metric: "loss",
  value: 4 / step,
  ts: "2026-01-01T00:00:00Z",
  tokens_seen: step * 64,
});

Deno.test("watchRun: a file target in a temp folder gets loss.svg, rewritten with the new steps on refresh", async () => {
  const dir = await Deno.makeTempDir();
  const runDir = join(dir, "runs", "20260101-000000-r1");
  const outDir = join(dir, "notebook");
  const lines: string[] = [];
  // A long interval: the test moves the notebook on with refresh(), not the poll loop.
  const nb = notebook({ outDir, log: (l) => lines.push(l) });
  try {
    // The folder does not exist yet: the chart cell says it waits.
    await watchRun(nb, runDir, { interval: 60_000 });
    assert.deepEqual(lines, ["loss = waiting for the run: no losses yet"]);

    await Deno.mkdir(runDir, { recursive: true });
    await Deno.writeTextFile(join(runDir, "run.json"), JSON.stringify({ run_id: "r1", status: "running" }));
    await Deno.writeTextFile(join(runDir, "metrics.ndjson"), ndjson([1, 2, 3, 4, 5].map((s) => loss(s))));
    await nb.refresh();
    const svgPath = join(outDir, "loss.svg");
    const first = await Deno.readTextFile(svgPath);
    assert.ok(first.startsWith("<svg"), first.slice(0, 40));
    assert.ok(first.includes(">r1 (running), step 5<"), "title with the run and the last step");
    // The same output as the text before, updated in place: as a file, written and its path printed.
    // (run.json may be drawn a moment before the metrics: "r1 (running): no losses yet" in between.)
    assert.equal(lines.at(-1), `loss: updated ${svgPath}`, lines.join("\n"));
    assert.equal(await latestRunDir(join(dir, "runs")), runDir);

    // The run appends rows and ends: refresh() redraws the file with them.
    await Deno.writeTextFile(join(runDir, "metrics.ndjson"), ndjson([loss(6), loss(7), loss(7, "val")]), {
      append: true,
    });
    await Deno.writeTextFile(join(runDir, "run.json"), JSON.stringify({ run_id: "r1", status: "finished" }));
    await nb.refresh();
    const second = await Deno.readTextFile(svgPath);
    assert.notEqual(second, first);
    assert.ok(second.includes(">r1 (finished), step 7<"), "the new step and status in the title");
    assert.ok(second.includes(">val<"), "the val split joined the legend");
    assert.equal(nb.state<unknown[]>("loss_metrics").value?.length, 8);
    assert.deepEqual(
      [...Deno.readDirSync(outDir)].map((e) => e.name),
      ["loss.svg"],
      "one file, rewritten (no temporary files left)",
    );
  } finally {
    nb.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("latestRunDir: undefined without runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await latestRunDir(join(dir, "none")), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
