import assert from "node:assert/strict";
import { join } from "node:path";
import { applyOverrides, compose, DEFAULT_CONFIG } from "../config/mod.ts";
import { registerDataset } from "../data/mod.ts";
import { modelPresets } from "../models/mod.ts";
import { checkRecord, type EvalRecord, readNdjson } from "../telemetry/mod.ts";
import { loadRunModel, trainClassifier, trainLanguageModel } from "../train/mod.ts";
import { evaluate } from "./evaluate.ts";
import { getMetric } from "./metric_registry.ts";
import { EVAL_CSV_COLUMNS } from "./write_eval_rows.ts";

const config = (out: string, extra: string[]) =>
  applyOverrides(DEFAULT_CONFIG, [
    "train.workers=1",
    "train.batch_size=8",
    "train.max_steps=30",
    "train.eval_interval=30",
    `out_dir=${out}`,
    ...extra,
  ], { model: modelPresets() });

Deno.test("evaluate a language-model run: every validation window, intervals, seeded samples, eval/ files", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-eval-lm-" });
  const run = await trainLanguageModel(config(out, [
    "model=gpt-nano",
    "data.name=first-names",
    "model.block_size=32",
    "train.eval_batches=2",
    "sample.max_new_tokens=10",
  ]));
  const options = {
    run: run.run_id,
    runsDir: out,
    bootstrap: { samples: 300, seed: 1 },
    generation: { samples: 3, maxNewTokens: 40 },
  };
  const { rows, dir } = await evaluate(options);
  assert.equal(dir, join(run.dir, "eval"));
  const byName = new Map(rows.map((r) => [r.metric, r]));
  assert.deepEqual([...byName.keys()], ["cross_entropy", "perplexity", "token_accuracy", "distinct_1", "distinct_2"]);
  const ce = byName.get("cross_entropy")!;
  // The trainer's final evaluation covers the same windows of the same split.
  assert.ok(Math.abs(ce.value - run.final_val_loss) < 1e-4, `eval ${ce.value} vs training's ${run.final_val_loss}`);
  assert.ok(Math.abs(byName.get("perplexity")!.value - Math.exp(ce.value)) < 1e-12);
  for (const r of rows.slice(0, 3)) {
    assert.ok(r.ci_low! < r.value && r.value < r.ci_high!, `${r.metric} [${r.ci_low}, ${r.ci_high}]`);
  }
  assert.equal(ce.step, 30);
  assert.equal(ce.split, "val");

  const records = await readNdjson<EvalRecord>(join(dir!, "metrics.ndjson"));
  assert.equal(records.length, 5);
  for (const r of records) assert.deepEqual(checkRecord("evals", r), []);
  const csv = (await Deno.readTextFile(join(dir!, "metrics.csv"))).trim().split("\n");
  assert.equal(csv[0], EVAL_CSV_COLUMNS.join(","));
  assert.equal(csv[1]!.split(",").slice(0, 5).join(","), `${run.run_id},first-names,val,cross_entropy,${ce.value}`);

  type Pred = { split: string; loss: number; accuracy: number; text: string; predicted: string; seed?: number };
  const preds = await readNdjson<Pred>(join(dir!, "predictions.ndjson"));
  const windows = preds.filter((p) => p.split === "val"), samples = preds.filter((p) => p.split === "generated");
  assert.equal(windows.length, ce.n);
  assert.equal([...windows[0]!.text].length, 32);
  assert.ok(Math.abs(windows.reduce((a, p) => a + p.loss, 0) / windows.length - ce.value) < 1e-9);
  const acc = windows.reduce((a, p) => a + p.accuracy, 0) / windows.length;
  assert.ok(Math.abs(acc - byName.get("token_accuracy")!.value) < 1e-12);
  assert.deepEqual(samples.map((s) => s.seed), [0, 1, 2]);
  const texts = samples.map((s) => s.text);
  assert.equal(
    byName.get("distinct_2")!.value,
    getMetric("distinct_2").compute({ predictions: texts, references: [] }),
  );

  // Seeded: a second evaluation gives the same numbers and samples; its rows are appended.
  const again = await evaluate(options);
  assert.deepEqual(
    again.rows.map((r) => [r.value, r.ci_low, r.ci_high]),
    rows.map((r) => [r.value, r.ci_low, r.ci_high]),
  );
  const preds2 = await readNdjson<Pred>(join(dir!, "predictions.ndjson"));
  assert.deepEqual(preds2.filter((p) => p.split === "generated").map((p) => p.text), texts);
  assert.equal((await readNdjson(join(dir!, "metrics.ndjson"))).length, 10);
  assert.equal((await Deno.readTextFile(join(dir!, "metrics.csv"))).trim().split("\n").length, 11);

  // The same model in memory gives the same values and writes nothing.
  const { model, tokenizer, config: cfg } = await loadRunModel(run.run_id, { outDir: out });
  try {
    const mem = await evaluate({
      model,
      tokenizer,
      datasets: ["first-names"],
      valFraction: cfg.data.val_fraction,
      metrics: ["cross_entropy", "ppl"],
      bootstrap: false,
    });
    assert.equal(mem.dir, null);
    assert.deepEqual(mem.rows.map((r) => [r.metric, r.value, r.ci_low]), [
      ["cross_entropy", ce.value, null],
      ["perplexity", byName.get("perplexity")!.value, null],
    ]);
  } finally {
    model.dispose();
  }
  await assert.rejects(
    () => evaluate({ ...options, metrics: ["f1"] }),
    /Cannot evaluate a language model with f1: its metrics are cross_entropy/,
  );
  await assert.rejects(() => evaluate({ ...options, split: "test" }), /split must be val or train \(got "test"\)/);
  await Deno.remove(out, { recursive: true });
});

/**
 * Registers a small labelled corpus: "spam" mentions offers, "ham" meetings, with shared filler
 * words; `extraLabel` relabels the last record.
 */
function registerMail(name: string, n: number, extraLabel?: string): string {
  const filler = ["the", "team", "today", "please", "note", "and", "for", "you", "our", "new"];
  const spam = ["win", "prize", "offer", "free", "cash", "click"], ham = ["meeting", "agenda", "notes", "review"];
  const records = Array.from({ length: n }, (_, i) => {
    const isSpam = i % 3 === 0;
    const words = Array.from({ length: 12 }, (_, k) => {
      const pool = (i * 7 + k * 3) % 5 === 0 ? (isSpam ? spam : ham) : filler;
      return pool[(i * 13 + k * 5) % pool.length];
    });
    return {
      id: `m${i}`,
      text: words.join(" "),
      label: extraLabel && i === n - 1 ? extraLabel : isSpam ? "spam" : "ham",
    };
  });
  registerDataset({
    name,
    description: "synthetic mail for the eval tests",
    source: "evaluate_test.ts",
    license: "CC0-1.0",
    task: "classification",
    fields: ["id", "text", "label"],
    records: () => Promise.resolve({ records }),
  }, { replace: true });
  return name;
}

Deno.test("evaluate a classification run: its test split, matching the trainer's own scores", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-eval-cls-" });
  const data = registerMail("eval-test-mail", 240);
  const cfg = await compose("config", [
    "model=bow-linear",
    "tokenizer=word",
    "train=classify",
    `data.name=${data}`,
    "train.max_steps=40",
    "train.eval_interval=40",
    "tokenizer.vocab_size=64",
    `out_dir=${out}`,
  ], { configDir: new URL("../../configs", import.meta.url).pathname });
  const run = await trainClassifier(cfg);
  const { rows, confusion, dir } = await evaluate({
    run: run.run_id,
    runsDir: out,
    metrics: ["accuracy", "f1", "log_loss", "roc_auc", "ece"],
    bootstrap: { samples: 200, seed: 2, method: "bca" },
  });
  const by = Object.fromEntries(rows.map((r) => [r.metric, r]));
  assert.equal(by.accuracy!.split, "test");
  assert.equal(by.accuracy!.n, 24);
  assert.ok(Math.abs(by.accuracy!.value - run.test.accuracy) < 1e-12, `${by.accuracy!.value} vs ${run.test.accuracy}`);
  assert.ok(Math.abs(by.f1!.value - run.test.macro_f1) < 1e-12, `${by.f1!.value} vs ${run.test.macro_f1}`);
  assert.ok(Math.abs(by.log_loss!.value - run.test.loss) < 1e-5, `${by.log_loss!.value} vs ${run.test.loss}`);
  for (const r of rows) {
    assert.ok(r.ci_low! <= r.value && r.value <= r.ci_high!, `${r.metric} [${r.ci_low}, ${r.ci_high}]`);
  }
  assert.deepEqual(confusion[0]!.labels, ["ham", "spam"]);
  assert.equal(confusion[0]!.matrix.flat().reduce((a, b) => a + b, 0), 24);
  type Pred = { id: string; label: string; prediction: string; correct: boolean; scores: number[] };
  const preds = await readNdjson<Pred>(join(dir!, "predictions.ndjson"));
  assert.equal(preds.length, 24);
  assert.equal(preds.filter((p) => p.correct).length / 24, by.accuracy!.value);
  const ids = (await Deno.readTextFile(join(run.dir, "split", "test_ids.txt"))).trim().split("\n");
  assert.deepEqual(preds.map((p) => p.id), ids);

  // Another file: every record is scored; a label outside the model's classes is named.
  const other = registerMail("eval-test-other", 30);
  const all = await evaluate({ run: run.run_id, runsDir: out, datasets: [other], split: "all", bootstrap: false });
  assert.equal(all.rows[0]!.n, 30);
  await assert.rejects(
    () => evaluate({ run: run.run_id, runsDir: out, datasets: [other], bootstrap: false }),
    /eval-test-other: it is not the data the model was trained on, so split must be all \(got "test"\)/,
  );
  const eggs = registerMail("eval-test-eggs", 30, "eggs");
  await assert.rejects(
    () => evaluate({ run: run.run_id, runsDir: out, datasets: [eggs], split: "all", bootstrap: false }),
    /eval-test-eggs: record m29 has label "eggs", outside the model's classes \(ham, spam\)/,
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("evaluate a predictions file: classification metrics with intervals; bad files are named", async () => {
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
  const { rows, dir: out } = await evaluate({
    predictions: path,
    metrics: ["accuracy", "f1", "roc_auc"],
    bootstrap: { samples: 300 },
  });
  assert.equal(out, join(dir, "preds.eval"));
  // accuracy 4/6; F1 of class 1: P = R = 2/3; ROC AUC: 8 of the 9 (positive, negative) pairs ordered.
  assert.deepEqual(rows.map((r) => [r.metric, r.value.toFixed(12)]), [
    ["accuracy", (2 / 3).toFixed(12)],
    ["f1", (2 / 3).toFixed(12)],
    ["roc_auc", (8 / 9).toFixed(12)],
  ]);
  assert.ok(rows.every((r) => r.ci_low! <= r.value && r.value <= r.ci_high! && r.n === 6));
  assert.ok((await Deno.readTextFile(join(dir, "preds.eval", "metrics.csv"))).startsWith("run_id,dataset,split"));
  await Deno.writeTextFile(path, '{"label": 1, "prediction": 1}\n{"label": 0}\n');
  await assert.rejects(() => evaluate({ predictions: path }), /preds.jsonl: record 2 has no field "prediction"/);
  await Deno.writeTextFile(path, '{"label": 1, "prediction": 1}\n{"label": 0, "prediction": 1}\n');
  await assert.rejects(
    () => evaluate({ predictions: path, metrics: ["log_loss"] }),
    /preds.jsonl: log_loss need a "score" field in every record/,
  );
  await Deno.writeTextFile(path, "");
  await assert.rejects(() => evaluate({ predictions: path }), /preds.jsonl: it has no records/);
  await assert.rejects(() => evaluate({ predictions: join(dir, "nope.jsonl") }), /nope.jsonl: there is no such file/);
  await assert.rejects(() => evaluate({}), /give exactly one of run, model or predictions/);
  await Deno.remove(dir, { recursive: true });
});
