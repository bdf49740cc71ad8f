import assert from "node:assert/strict";
import { applyOverrides, DEFAULT_CONFIG, type RunConfig } from "../config/mod.ts";
import { trainLanguageModel } from "./train_lm.ts";
import { tinyConfig, trainLosses } from "./_testing.ts";
import { DataParallel } from "./data_parallel.ts";
import { initBackend, nativeStatus, tf } from "../backend/mod.ts";
import { clipScale, gradientNorm } from "./adamw.ts";
import { createOptimizer } from "./optimizer.ts";
import { createModel, type LanguageModel } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";

function config(out: string, extra: string[]): RunConfig {
  return tinyConfig(out, ["train.max_steps=12", "train.eval_interval=6", ...extra]);
}

const losses = trainLosses;

/** A seeded batch of 4 x 8 tokens for a vocabulary of 11. */
function tinyBatch() {
  const rng = new Rng(2);
  const ids = () => Int32Array.from({ length: 32 }, () => rng.int(11));
  return { x: ids(), y: ids(), batch: 4, time: 8 };
}

Deno.test("data parallel: 2 workers match 1 worker's losses, repeat exactly, and resume exactly", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-dp-test-" });
  const one = await trainLanguageModel(await config(out, ["train.workers=1"]));
  const cfg2 = await config(out, ["train.workers=2", "model.dropout=0.1"]);
  const cfg2nodrop = await config(out, ["train.workers=2"]);
  const two = await trainLanguageModel(cfg2nodrop);
  const [l1, l2] = [await losses(one.dir), await losses(two.dir)];
  assert.equal(l2.length, 12);
  l1.forEach((v, i) => assert.ok(Math.abs(v - l2[i]!) < 1e-4, `step ${i + 1}: ${v} vs ${l2[i]}`));
  // With dropout on, two runs with 2 workers agree exactly, and so does a stop + resume.
  const a = await trainLanguageModel(cfg2);
  const b = await trainLanguageModel(cfg2);
  assert.deepEqual(await losses(b.dir), await losses(a.dir));
  const abort = new AbortController();
  const c = await trainLanguageModel(cfg2, {
    signal: abort.signal,
    callbacks: { onStepEnd: (p) => p.step === 5 && abort.abort() },
  });
  const resumed = await trainLanguageModel(cfg2, { resume: c.run_id });
  assert.deepEqual(await losses(resumed.dir), await losses(a.dir));
  await Deno.remove(out, { recursive: true });
});

Deno.test("data parallel: a bad worker count is refused", async () => {
  const out = await Deno.makeTempDir({ prefix: "codex-dp-test-" });
  assert.throws(
    () => applyOverrides(DEFAULT_CONFIG, ["train.workers=0"]),
    /train.workers must be at least 1 \(got 0\)/,
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("data parallel: no tensors leak on either side over many steps", async () => {
  await initBackend("wasm");
  const cfg = { vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 };
  const model = createModel("gpt-nano", cfg, new Rng(1)) as LanguageModel;
  const dp = await DataParallel.start(2, "gpt-nano", cfg, "wasm");
  const b = tinyBatch();
  const counts: number[] = [], remote: number[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await dp.gradients(model, b, 1, 0);
    tf.dispose(Object.values(r.grads));
    counts.push(tf.memory().numTensors);
    remote.push(dp.workerTensors[0]!);
  }
  dp.close();
  model.dispose();
  assert.equal(new Set(counts.slice(1)).size, 1, `main thread tensors ${counts}`);
  assert.equal(new Set(remote.slice(1)).size, 1, `worker tensors ${remote}`);
});

Deno.test({
  name: "data parallel: the native step leaks no tensor over 1,000 steps with AdamW and clipping",
  ignore: !nativeStatus().available,
  fn: async () => {
    await initBackend("native");
    const cfg = { vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 };
    const model = createModel("gpt-nano", cfg, new Rng(1)) as LanguageModel;
    const dp = await DataParallel.start(2, "gpt-nano", cfg, "native");
    assert.ok(dp.native, "a GPT without dropout takes the fused native step");
    assert.equal(dp.workers.length, 0, "and needs no worker replicas");
    const opt = createOptimizer(model.params, DEFAULT_CONFIG.train);
    const b = tinyBatch();
    const counts: number[] = [];
    let first = 0, last = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await dp.gradients(model, b, 1, 0);
      opt.step(r.grads, 1e-2, clipScale(gradientNorm(r.grads), 1));
      tf.dispose(Object.values(r.grads));
      if (i === 0) first = r.loss;
      last = r.loss;
      if (i % 100 === 0 || i === 999) counts.push(tf.memory().numTensors);
    }
    dp.close();
    opt.dispose();
    model.dispose();
    assert.equal(new Set(counts).size, 1, `tensors every 100 steps: ${counts}`);
    assert.ok(last < first / 4, `the step learns the batch: loss ${first} -> ${last}`);
  },
});
