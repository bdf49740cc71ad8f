import assert from "node:assert/strict";
import { intervalChart, type IntervalRow } from "./mod.ts";
import { assertSnapshot, marks } from "./_testing.ts";
import { Rng } from "../random/mod.ts";

function evalRows(): IntervalRow[] {
  const rng = new Rng(3);
  return ["run-a", "run-b"].flatMap((run_id) =>
    ["accuracy", "f1", "log_loss"].map((metric) => {
      const value = metric === "log_loss" ? 0.2 + 0.1 * rng.next() : 0.85 + 0.1 * rng.next();
      const half = 0.01 + 0.02 * rng.next();
      return {
        run_id,
        dataset: "spam",
        split: "test",
        metric,
        value,
        ci_low: value - half,
        ci_high: value + half,
        n: 600,
      };
    })
  );
}

Deno.test("intervalChart: a panel per metric, a bar with end ticks per run, snapshot", async () => {
  const chart = intervalChart(evalRows());
  assert.equal(marks(chart.svg, "rule", "line"), 6, "an interval per run and metric");
  assert.equal(marks(chart.svg, "tick", "line"), 12, "two end ticks each");
  assert.equal(marks(chart.svg, "dot", "circle"), 6);
  for (const t of [">accuracy<", ">f1<", ">log_loss<", ">run-a<", ">run-b<"]) assert.ok(chart.svg.includes(t), t);
  assert.match(chart.svg, />0\.\d{1,4} \[0\.\d{1,4}, 0\.\d{1,4}\]</, "value and interval as text");
  await assertSnapshot("interval_chart", chart.svg);
});

Deno.test("intervalChart: a later evaluation replaces an earlier one; no interval draws a dot only; errors", () => {
  const rows: IntervalRow[] = [
    { metric: "accuracy", value: 0.5, ci_low: 0.4, ci_high: 0.6, step: 10 },
    { metric: "accuracy", value: 0.7, ci_low: 0.6, ci_high: 0.8, step: 10 },
    { metric: "distinct_1", value: 0.6, ci_low: null, ci_high: null, step: 10 },
  ];
  const chart = intervalChart(rows);
  assert.equal(marks(chart.svg, "rule", "line"), 1);
  assert.equal(marks(chart.svg, "dot", "circle"), 2);
  assert.ok(chart.svg.includes(">0.7 [0.6, 0.8]<") && !chart.svg.includes(">0.5 ["));
  assert.throws(() => intervalChart([{ value: 1 } as unknown as IntervalRow]), {
    message: 'Cannot plot intervals: row 0 has no field "metric" (expected a string)',
  });
});

Deno.test("intervalChart: a metric whose values are all null or NaN is an error, not an empty panel", () => {
  const rows: IntervalRow[] = [
    { metric: "accuracy", value: 0.7, ci_low: 0.6, ci_high: 0.8, run_id: "a" },
    { metric: "bleu", value: null, run_id: "a" },
    { metric: "bleu", value: NaN, run_id: "b" },
  ];
  assert.throws(() => intervalChart(rows), {
    name: "TypeError",
    message: 'Cannot plot intervals: no finite values in field "value" (all 2 rows of metric "bleu" are null or NaN)',
  });
  assert.equal(marks(intervalChart(rows, { metrics: ["accuracy"] }).svg, "dot", "circle"), 1);
});
