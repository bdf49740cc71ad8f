import assert from "node:assert/strict";
import { emaSmooth, lossCurves, type MetricRow } from "./mod.ts";
import { assertSnapshot, count, marks, seededMetrics } from "./_testing.ts";

Deno.test("lossCurves: train smoothed over its raw line, val as a line with dots, snapshot", async () => {
  const chart = lossCurves(seededMetrics());
  assert.ok(chart.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="640"'));
  // raw train (faint) + smoothed train + val; a dot per val point (every 20 of 100 steps)
  assert.equal(marks(chart.svg, "line", "path"), 3);
  assert.equal(marks(chart.svg, "dot", "circle"), 5);
  assert.match(chart.svg, /stroke-opacity="0.25"/);
  for (const text of ["Loss curves", ">train<", ">val<", ">step<", ">loss<", "EMA smoothing 0.6"]) {
    assert.ok(chart.svg.includes(text), `has ${text}`);
  }
  assert.equal(count(chart.svg, /plot-clip-\d{2,}|undefined|NaN/), 0);
  assert.equal(lossCurves(seededMetrics()).svg, chart.svg, "the same rows give the same markup");
  await assertSnapshot("loss_curves", chart.svg);
});

Deno.test("lossCurves: log scale, no smoothing, chosen splits and a title", async () => {
  const chart = lossCurves(seededMetrics(), { logY: true, smoothing: 0, splits: ["train"], title: "nano", width: 500 });
  assert.match(chart.svg, /^<svg [^>]*width="500"/);
  assert.ok(chart.svg.includes(">loss (log scale)<") && chart.svg.includes(">nano<"));
  assert.equal(marks(chart.svg, "line", "path"), 1);
  assert.ok(!chart.svg.includes(">val<"));
  await assertSnapshot("loss_curves_log", chart.svg);
});

Deno.test("lossCurves: a missing field, an empty series and an absent metric are named", () => {
  const rows = seededMetrics().filter((r) => r.metric === "loss").slice(0, 6) as unknown as Record<string, unknown>[];
  delete rows[3]!.value;
  assert.throws(() => lossCurves(rows), {
    name: "TypeError",
    message: 'Cannot plot loss curves: row 3 has no field "value" (expected a number or null)',
  });
  assert.throws(() => lossCurves([]), { name: "TypeError", message: /^Cannot plot loss curves: the series is empty/ });
  assert.throws(() => lossCurves([{ step: "1", split: "train", value: 1 } as unknown as MetricRow]), {
    message: 'Cannot plot loss curves: row 0 field "step" is a string ("1") (expected a number)',
  });
  assert.throws(() => lossCurves(seededMetrics(), { metric: "acc" }), {
    message: 'Cannot plot loss curves: no rows of metric "acc" (metrics present: loss, lr)',
  });
  assert.throws(() => lossCurves({} as unknown as MetricRow[]), { message: /expected an array of metric rows/ });
});

Deno.test("lossCurves: null values (a diverged loss) and bigint steps (DuckDB) are accepted", () => {
  const rows: MetricRow[] = [
    { step: 1n, split: "train", metric: "loss", value: 3 },
    { step: 2n, split: "train", metric: "loss", value: null },
    { step: 3n, split: "train", metric: "loss", value: 2 },
  ];
  assert.equal(marks(lossCurves(rows, { smoothing: 0 }).svg, "line", "path"), 1);
});

Deno.test("emaSmooth: TensorBoard's debiased EMA", () => {
  // w = 0.5: last = 0.5, 0.25, 0.125 over debias 0.5, 0.75, 0.875
  assert.deepEqual(emaSmooth([1, 0, 0], 0.5), [1, 1 / 3, 0.125 / 0.875]);
  assert.deepEqual(emaSmooth([2, 2, 2], 0.9), [2, 2, 2], "a constant stays constant");
  assert.deepEqual(emaSmooth([1, NaN, 1], 0.6), [1, NaN, 1], "NaN passes through without moving the average");
  assert.deepEqual(emaSmooth([4, 5], 0), [4, 5]);
  assert.throws(() => emaSmooth([1], 1), RangeError);
});

Deno.test("lossCurves: a metric whose values are all null or NaN is an error, not an empty chart", () => {
  const rows: MetricRow[] = [1, 2, 3].flatMap((step) => [
    { step, split: "train", metric: "loss", value: null },
    { step, split: "val", metric: "loss", value: NaN },
    { step, split: "train", metric: "lr", value: 1e-3 },
  ]);
  assert.throws(() => lossCurves(rows), {
    name: "TypeError",
    message: 'Cannot plot loss curves: no finite values in field "value" (all 6 rows of metric "loss" are null or NaN)',
  });
  assert.throws(() => lossCurves([{ step: 1, split: "train", value: Infinity }]), {
    name: "TypeError",
    message: 'Cannot plot loss curves: no finite values in field "value" (the only row of metric "loss" is ' +
      "null, NaN or infinite)",
  });
  // Log scale: values <= 0 are left out, so only those left is the same empty chart.
  const flat = [{ step: 1, split: "train", value: 0 }, { step: 2, split: "train", value: -1 }];
  assert.throws(() => lossCurves(flat, { logY: true }), {
    name: "TypeError",
    message: 'Cannot plot loss curves: no positive values in field "value" for the log scale ' +
      '(all 2 finite values of metric "loss" are <= 0)',
  });
  assert.equal(marks(lossCurves(flat, { smoothing: 0 }).svg, "line", "path"), 1, "fine on a linear scale");
  // One finite value is enough.
  rows.push({ step: 4, split: "val", metric: "loss", value: 2 });
  assert.equal(marks(lossCurves(rows).svg, "dot", "circle"), 1);
});
