import assert from "node:assert/strict";
import { join } from "node:path";
import { compose } from "../config/mod.ts";
import { type MetricRecord, readNdjson } from "../telemetry/mod.ts";
import { CheckpointManager } from "../checkpoint/mod.ts";
import { trainClassifier } from "./train_classifier.ts";

const configDir = new URL("../../configs", import.meta.url).pathname;

Deno.test("trainClassifier: bow-linear learns spam vs ham well beyond the majority class", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-cls-test-" });
  const cfg = await compose("config", [
    "model=bow-linear",
    "data=spam-assassin",
    "tokenizer=word",
    "train=classify",
    "train.max_steps=150",
    "train.eval_interval=75",
    "tokenizer.vocab_size=4096",
    `out_dir=${out}`,
  ], { configDir });
  const r = await trainClassifier(cfg);
  assert.deepEqual(r.labels, ["ham", "spam"]);
  assert.ok(
    r.test.accuracy > r.majority_accuracy + 0.15,
    `test accuracy ${r.test.accuracy} vs majority ${r.majority_accuracy}`,
  );
  assert.ok(r.test.macro_f1 > 0.8, `macro-F1 ${r.test.macro_f1}`);
  const manifest = JSON.parse(await Deno.readTextFile(join(r.dir, "split", "split_manifest.json")));
  assert.equal(manifest.stratify, true);
  assert.equal(manifest.splits.test.size + manifest.splits.val.size + manifest.splits.train.size, 6046);
  const tok = JSON.parse(await Deno.readTextFile(join(r.dir, "tokenizer.json")));
  assert.equal(tok.type, "word");
  assert.equal(tok.vocab.length, 4096);
  const metrics = await readNdjson<MetricRecord>(join(r.dir, "metrics.ndjson"));
  assert.deepEqual(metrics.filter((m) => m.split === "val" && m.metric === "accuracy").map((m) => m.step), [75, 150]);
  assert.equal(metrics.filter((m) => m.split === "test").length, 3);
  assert.deepEqual((await new CheckpointManager(join(r.dir, "checkpoints")).list()).map((c) => c.step), [75, 150]);
  await Deno.remove(out, { recursive: true });
});

Deno.test("trainClassifier: a small minilm trains on the same data; wrong models and tokenizers are refused", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-cls-test-" });
  const base = ["data=spam-assassin", "tokenizer=word", "train=classify", `out_dir=${out}`];
  const cfg = await compose("config", [
    ...base,
    "model=minilm",
    "model.hidden_size=32",
    "model.num_hidden_layers=1",
    "model.num_attention_heads=2",
    "model.intermediate_size=64",
    "data.max_tokens=31",
    "tokenizer.vocab_size=2000",
    "train.batch_size=16",
    "train.max_steps=12",
    "train.eval_interval=12",
  ], { configDir });
  const r = await trainClassifier(cfg);
  assert.equal(r.steps, 12);
  assert.ok(Number.isFinite(r.val.loss) && r.val.accuracy > 0.3);
  await assert.rejects(
    async () => trainClassifier(await compose("config", [...base, "model=gpt-nano"], { configDir })),
    /gpt-nano is a language-modeling model/,
  );
  await assert.rejects(
    async () =>
      trainClassifier(await compose("config", [...base, "model=bow-linear", "tokenizer=char"], { configDir })),
    /tokenizer.name must be word/,
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("trainClassifier: stopped then resumed gives the straight run's losses; accumulation; early stopping", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-cls-test-" });
  const cfg = await compose("config", [
    "model=bow-linear",
    "data=spam-assassin",
    "tokenizer=word",
    "train=classify",
    "train.max_steps=24",
    "train.eval_interval=8",
    "tokenizer.vocab_size=1000",
    `out_dir=${out}`,
  ], { configDir });
  const losses = async (dir: string) =>
    (await readNdjson<MetricRecord>(join(dir, "metrics.ndjson"))).filter((m) =>
      m.split === "train" && m.metric === "loss"
    )
      .map((m) => [m.step, m.value]);
  const straight = await trainClassifier(cfg);
  const abort = new AbortController();
  const first = await trainClassifier(cfg, {
    signal: abort.signal,
    callbacks: { onStepEnd: (p) => p.step === 13 && abort.abort() },
  });
  assert.equal(first.status, "interrupted");
  const resumed = await trainClassifier(cfg, { resume: first.run_id });
  assert.equal(resumed.run_id, first.run_id);
  assert.deepEqual(await losses(resumed.dir), await losses(straight.dir));
  assert.equal(resumed.test.accuracy, straight.test.accuracy);
  const acc = await trainClassifier(
    await compose("config", [
      "model=bow-linear",
      "data=spam-assassin",
      "tokenizer=word",
      "train=classify",
      "train.max_steps=4",
      "train.eval_interval=4",
      "train.batch_size=16",
      "train.grad_accum_steps=2",
      "tokenizer.vocab_size=1000",
      `out_dir=${out}`,
    ], { configDir }),
  );
  assert.equal(acc.epochs, (4 * 32) / Math.round(6046 * 0.8));
  const early = await trainClassifier(
    await compose("config", [
      "model=bow-linear",
      "data=spam-assassin",
      "tokenizer=word",
      "train=classify",
      "train.lr=1e-12",
      "train.min_lr=0",
      "train.max_steps=40",
      "train.eval_interval=5",
      "train.early_stopping_patience=2",
      "tokenizer.vocab_size=1000",
      `out_dir=${out}`,
    ], { configDir }),
  );
  assert.equal(early.stop_reason, "early_stopping");
  assert.equal(early.steps, 15);
  await Deno.remove(out, { recursive: true });
});
