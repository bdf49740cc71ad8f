import assert from "node:assert/strict";
import { tokenLengthHistogram } from "./mod.ts";
import { assertSnapshot, marks } from "./_testing.ts";
import { Rng } from "../random/mod.ts";

const rng = new Rng(4);
const train = Array.from({ length: 400 }, () => Math.round(Math.exp(4 + 0.5 * rng.normal())));
const val = Array.from({ length: 100 }, () => Math.round(Math.exp(4 + 0.5 * rng.normal())));

Deno.test("tokenLengthHistogram: bins, summary, context rule, snapshot", async () => {
  const chart = tokenLengthHistogram(train, { contextLength: 128 });
  const sorted = [...train].sort((a, b) => a - b);
  assert.ok(chart.svg.includes(`400 sequences, median ${sorted[200]}`));
  const over = train.filter((v) => v > 128).length;
  assert.ok(chart.svg.includes(`${over} (`) && chart.svg.includes("longer than 128"));
  assert.ok(marks(chart.svg, "rect", "rect") >= 10, "bars");
  assert.ok(chart.svg.includes(">context 128<") && chart.svg.includes(">tokens<"));
  await assertSnapshot("token_length_histogram", chart.svg);
});

Deno.test("tokenLengthHistogram: groups overlaid with a legend; errors", () => {
  const chart = tokenLengthHistogram({ train, val });
  assert.ok(chart.svg.includes(">train<") && chart.svg.includes(">val<") && chart.svg.includes('fill-opacity="0.5"'));
  assert.throws(() => tokenLengthHistogram([]), {
    message: /^Cannot plot token length histogram: the series is empty/,
  });
  assert.throws(() => tokenLengthHistogram({ val: [] }), { message: /the series is empty in group "val"/ });
  assert.throws(() => tokenLengthHistogram([1, -2]), { message: /item 1 is -2 \(expected a length >= 0\)/ });
});
