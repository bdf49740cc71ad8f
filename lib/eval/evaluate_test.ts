import assert from "node:assert/strict";
import { join } from "node:path";
import { applyOverrides, DEFAULT_CONFIG } from "../config/mod.ts";
import { modelPresets } from "../models/mod.ts";
import { checkRecord, readNdjson } from "../telemetry/mod.ts";
import { trainLanguageModel } from "../train/mod.ts";
import { evaluatePredictions, evaluateRun } from "./evaluate.ts";

Deno.test("evaluateRun: scores every validation window, with intervals, and writes eval/ files", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-eval-test-" });
  const cfg = applyOverrides(DEFAULT_CONFIG, [
    "model=gpt-nano",
    "train.workers=1",
    "data.name=first-names",
    "model.block_size=32",
    "train.batch_size=8",
    "train.max_steps=30",
    "train.eval_interval=30",
    "train.eval_batches=2",
    "sample.max_new_tokens=10",
    `out_dir=${out}`,
  ], { model: modelPresets() });
  const run = await trainLanguageModel(cfg);
  const rows = await evaluateRun(run.run_id, {
    outDir: out,
    bootstrap: { samples: 200, seed: 1 },
    generation: { samples: 3, maxNewTokens: 30 },
  });
  const byName = new Map(rows.map((r) => [r.metric, r]));
  const ce = byName.get("cross_entropy")!;
  assert.ok(
    Math.abs(ce.value - run.final_val_loss) < 1e-4,
    `eval ${ce.value} vs training's final ${run.final_val_loss}`,
  );
  assert.ok(Math.abs(byName.get("perplexity")!.value - Math.exp(ce.value)) < 1e-9);
  assert.ok(ce.ci_low! < ce.value && ce.value < ce.ci_high!);
  assert.equal(ce.step, 30);
  const acc = byName.get("token_accuracy")!.value;
  assert.ok(acc > 0.05 && acc < 1, `token accuracy ${acc}`);
  assert.ok(byName.get("distinct_1")!.value > 0);
  const dir = join(run.dir, "eval");
  const records = await readNdjson(join(dir, "metrics.ndjson"));
  assert.equal(records.length, 5);
  for (const r of records) assert.deepEqual(checkRecord("evals", r), []);
  const csv = (await Deno.readTextFile(join(dir, "metrics.csv"))).trim().split("\n");
  assert.equal(csv[0], "run_id,dataset,split,metric,value,n,ci_low,ci_high,step,ts");
  assert.equal(csv.length, 6);
  const preds = await readNdjson<{ text: string; predicted: string; loss: number }>(join(dir, "predictions.ndjson"));
  assert.equal(preds.length, ce.n);
  assert.equal([...preds[0]!.text].length, 32);
  assert.ok(Math.abs(preds.reduce((a, p) => a + p.loss, 0) / preds.length - ce.value) < 1e-9);
  await Deno.remove(out, { recursive: true });
});

Deno.test("evaluatePredictions: classification from a JSONL file; missing fields are named", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "preds.jsonl");
  const lines = [
    { label: 1, prediction: 1, score: 0.9 },
    { label: 0, prediction: 1, score: 0.6 },
    { label: 0, prediction: 0, score: 0.3 },
    { label: 1, prediction: 0, score: 0.4 },
    { label: 1, prediction: 1, score: 0.7 },
    { label: 0, prediction: 0, score: 0.2 },
  ];
  await Deno.writeTextFile(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  const rows = await evaluatePredictions(path, { metrics: ["accuracy", "f1", "roc_auc"], bootstrap: { samples: 300 } });
  assert.deepEqual(rows.map((r) => [r.metric, Number(r.value.toFixed(6))]), [["accuracy", 0.666667], ["f1", 0.666667], [
    "roc_auc",
    Number((8 / 9).toFixed(6)),
  ]]);
  assert.ok((await Deno.readTextFile(join(dir, "preds.eval", "metrics.csv"))).startsWith("run_id,dataset,split"));
  await Deno.writeTextFile(path, '{"label": 1, "prediction": 1}\n{"label": 0}\n');
  await assert.rejects(() => evaluatePredictions(path), /preds.jsonl: record 2 has no field "prediction"/);
  await Deno.remove(dir, { recursive: true });
});
