import assert from "node:assert/strict";
import { runComparison } from "./mod.ts";
import { assertSnapshot, marks, seededMetrics } from "./_testing.ts";

Deno.test("runComparison: a line per run with labels, snapshot", async () => {
  const rows = [...seededMetrics(1, 100, "run-a"), ...seededMetrics(2, 80, "run-b")];
  const chart = runComparison(rows, { split: "train", smoothing: 0.8, labels: { "run-a": "lr 1e-3" } });
  assert.equal(marks(chart.svg, "line", "path"), 4, "raw and smoothed line for each run");
  for (const text of ["loss (train) by run", ">lr 1e-3<", ">run-b<", ">train loss<"]) {
    assert.ok(chart.svg.includes(text), text);
  }
  await assertSnapshot("run_comparison", chart.svg);
});

Deno.test("runComparison: val by default, curves() rows without split/metric, errors", () => {
  const val = runComparison([...seededMetrics(1, 100, "a"), ...seededMetrics(2, 100, "b")]);
  assert.equal(marks(val.svg, "line", "path"), 2);
  assert.equal(marks(val.svg, "dot", "circle"), 10);
  const curves = runComparison([{ run_id: "x", step: 1, value: 1 }, { run_id: "x", step: 2, value: 0.5 }]);
  assert.equal(marks(curves.svg, "line", "path"), 1);
  assert.throws(() => runComparison([{ step: 1, value: 1 }]), {
    message: 'Cannot plot run comparison: row 0 has no field "run_id" (expected a string)',
  });
  assert.throws(() => runComparison(seededMetrics(), { runs: ["nope"] }), { message: /run "nope" has no rows/ });
});

Deno.test("runComparison: values that are all null or NaN are an error, not an empty chart", () => {
  const rows = ["a", "b"].flatMap((run_id) =>
    [1, 2].map((step) => ({ run_id, step, split: "val", metric: "loss", value: run_id === "a" ? null : NaN }))
  );
  assert.throws(() => runComparison(rows), {
    name: "TypeError",
    message: 'Cannot plot run comparison: no finite values in field "value" ' +
      '(all 4 rows of metric "loss" and split "val" are null or NaN)',
  });
});
