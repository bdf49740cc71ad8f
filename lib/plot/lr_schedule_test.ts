import assert from "node:assert/strict";
import { lrSchedule } from "./mod.ts";
import { assertSnapshot, marks, seededMetrics } from "./_testing.ts";

Deno.test("lrSchedule: the lr rows of a run, peak and last in the subtitle, snapshot", async () => {
  const chart = lrSchedule(seededMetrics());
  assert.equal(marks(chart.svg, "line", "path"), 1);
  assert.ok(chart.svg.includes("peak 0.001 at step 10, last 1e-4 at step 100"), "subtitle");
  assert.ok(chart.svg.includes(">learning rate<") && chart.svg.includes(">1e-3<"), "axis label, ticks");
  assert.equal(chart.height, 286);
  await assertSnapshot("lr_schedule", chart.svg);
});

Deno.test("lrSchedule: an array of rates from step 1, errors", () => {
  const chart = lrSchedule([1, 2, 3, 2], { title: "" });
  assert.ok(chart.svg.includes("peak 3 at step 3, last 2 at step 4"));
  assert.ok(!chart.svg.includes("Learning-rate schedule"));
  assert.throws(() => lrSchedule([]), { message: /^Cannot plot learning-rate schedule: the series is empty/ });
  assert.throws(() => lrSchedule([{ step: 1, value: 1, metric: "loss" }]), { message: /no rows of metric "lr"/ });
});

Deno.test("lrSchedule: rates that are all null or NaN are an error, not an empty chart", () => {
  assert.throws(() => lrSchedule([NaN, NaN]), {
    name: "TypeError",
    message: 'Cannot plot learning-rate schedule: no finite values in field "value" ' +
      "(all 2 rows of the array of rates are null or NaN)",
  });
  const rows = [1, 2, 3].map((step) => ({ step, split: "train", metric: "lr", value: null }));
  assert.throws(() => lrSchedule([...rows, { step: 1, split: "train", metric: "loss", value: 3 }]), {
    name: "TypeError",
    message: 'Cannot plot learning-rate schedule: no finite values in field "value" ' +
      '(all 3 rows of metric "lr" are null or NaN)',
  });
  assert.throws(() => lrSchedule([0, 0], { logY: true }), { message: /no positive values .* for the log scale/ });
});
