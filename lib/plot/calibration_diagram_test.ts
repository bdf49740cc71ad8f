import assert from "node:assert/strict";
import { calibrationDiagram, type CalibrationRow } from "./mod.ts";
import { assertSnapshot, seededPredictions } from "./_testing.ts";

Deno.test("calibrationDiagram: bins, ECE as the ece metric computes it, counts panel, snapshot", async () => {
  const rows = seededPredictions();
  const chart = calibrationDiagram(rows);
  // ECE by hand: bins (k/10, (k+1)/10], |accuracy - mean confidence| weighted by the bin's share
  let ece = 0;
  for (let k = 0; k < 10; k++) {
    const bin = rows.filter((r) => Math.min(9, Math.max(0, Math.ceil(r.confidence * 10) - 1)) === k);
    if (!bin.length) continue;
    const acc = bin.filter((r) => r.correct).length / bin.length;
    const conf = bin.reduce((a, r) => a + r.confidence, 0) / bin.length;
    ece += Math.abs(acc - conf) * bin.length / rows.length;
  }
  assert.ok(chart.svg.includes(`ECE ${Number(ece.toPrecision(4))} (10 bins)`), "ECE in the subtitle");
  for (const t of [">accuracy<", ">confidence<", ">examples<", "perfect calibration"]) {
    assert.ok(chart.svg.includes(t), t);
  }
  assert.ok((chart.svg.match(/aria-label="rect"/g) ?? []).length === 3, "accuracy bars, gaps, counts");
  await assertSnapshot("calibration_diagram", chart.svg);
});

Deno.test("calibrationDiagram: label/prediction instead of correct; errors", () => {
  const chart = calibrationDiagram([{ confidence: 0.9, label: 1, prediction: 1 }, {
    confidence: 0.7,
    label: 0,
    prediction: 1,
  }], {
    bins: 5,
    counts: false,
  });
  assert.ok(chart.svg.includes("accuracy 0.5, 2 examples"));
  assert.ok(!chart.svg.includes(">examples<"));
  assert.throws(() => calibrationDiagram([{ correct: true } as unknown as CalibrationRow]), {
    message: 'Cannot plot calibration diagram: row 0 has no field "confidence" (expected a number)',
  });
  assert.throws(() => calibrationDiagram([{ confidence: 1.5, correct: true }]), { name: "RangeError" });
  assert.throws(() => calibrationDiagram([{ confidence: 0.5 }]), { message: /row 0 has no field "label"/ });
});
