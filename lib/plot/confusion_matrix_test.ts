import assert from "node:assert/strict";
import { confusionMatrix, type PredictionRow } from "./mod.ts";
import { assertSnapshot, marks, seededPredictions } from "./_testing.ts";

Deno.test("confusionMatrix: from prediction rows, a cell and a count per pair, snapshot", async () => {
  const rows = seededPredictions();
  const chart = confusionMatrix(rows);
  assert.equal(marks(chart.svg, "cell", "rect"), 9);
  assert.equal(marks(chart.svg, "text", "text"), 9);
  const correct = rows.filter((r) => r.label === r.prediction).length;
  assert.ok(chart.svg.includes(`accuracy ${Number((correct / 200).toPrecision(4))} over 200 examples`));
  for (const t of [">predicted<", ">reference<", ">ham<", ">phish<"]) assert.ok(chart.svg.includes(t), t);
  await assertSnapshot("confusion_matrix", chart.svg);
});

Deno.test("confusionMatrix: {labels, matrix}, normalized by row, label order; errors", () => {
  const data = { labels: ["ham", "spam"], matrix: [[3, 1], [0, 4]] };
  const chart = confusionMatrix(data, { normalize: "true", labels: ["spam", "ham"] });
  assert.ok(chart.svg.includes(">0.75<") && chart.svg.includes(">0.25<") && chart.svg.includes(">1<"));
  assert.ok(chart.svg.includes("normalized over references"));
  assert.ok(chart.svg.indexOf(">spam<") < chart.svg.indexOf(">ham<"), "labels in the given order");
  assert.throws(() => confusionMatrix([{ label: "a" } as unknown as PredictionRow]), {
    message: 'Cannot plot confusion matrix: row 0 has no field "prediction" (expected a string, number or boolean)',
  });
  assert.throws(() => confusionMatrix({ labels: ["a", "b"], matrix: [[1, 2]] }), { message: /1 rows for 2 labels/ });
  assert.throws(() => confusionMatrix([]), { message: /the series is empty/ });
});
