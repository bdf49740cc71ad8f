import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { initBackend, tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { generate, sampleLogits, streamTokens } from "./generate.ts";
import { Gpt } from "./gpt.ts";
import { isIncremental, isLanguageModel } from "./model.ts";
import { loadPretrained } from "./pretrained.ts";

Deno.test("sampleLogits: greedy, top-k and top-p restrict the draw; frequencies follow the softmax", () => {
  const logits = new Float32Array([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
  assert.equal(sampleLogits(logits, { temperature: 0 }), 0);
  const rng = new Rng(4);
  const draw = (o: object, n = 20000) => {
    const c = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) c[sampleLogits(logits, { ...o, rng })]!++;
    return c.map((x) => x / n);
  };
  const all = draw({ temperature: 1 });
  [0.5, 0.3, 0.15, 0.05].forEach((p, i) => assert.ok(Math.abs(all[i]! - p) < 0.015, `p[${i}] ${all[i]} vs ${p}`));
  const k2 = draw({ temperature: 1, topK: 2 });
  assert.ok(Math.abs(k2[0]! - 0.625) < 0.015 && k2[2] === 0 && k2[3] === 0, `top-2 ${k2}`);
  // top-p 0.8: {0.5, 0.3} reach 0.8; renormalised 0.625 / 0.375.
  const p8 = draw({ temperature: 1, topP: 0.8 });
  assert.ok(Math.abs(p8[1]! - 0.375) < 0.015 && p8[2] === 0, `top-p ${p8}`);
  assert.deepEqual(draw({ temperature: 1, topP: 0.4 }, 100), [1, 0, 0, 0]);
});

Deno.test("generate: seeded, cropped to the block size, stops at a stop token, streams the same ids", async () => {
  await initBackend("cpu");
  const model = Gpt.create(
    { vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 },
    new Rng(2),
  );
  const opts = { maxNewTokens: 20, temperature: 1, topK: 5 };
  const a = generate(model, [1, 2, 3], { ...opts, rng: new Rng(9) });
  const b = generate(model, [1, 2, 3], { ...opts, rng: new Rng(9) });
  assert.equal(a.length, 23);
  assert.deepEqual(a, b, "same seed, same tokens");
  assert.notDeepEqual(generate(model, [1, 2, 3], { ...opts, rng: new Rng(10) }), a);
  const streamed: number[] = [];
  for await (const id of streamTokens(model, [1, 2, 3], { ...opts, rng: new Rng(9) })) streamed.push(id);
  assert.deepEqual(streamed, [...a.subarray(3)]);
  const stopAt = a[7]!;
  const stopped = generate(model, [1, 2, 3], { ...opts, rng: new Rng(9), stopTokens: [stopAt] });
  assert.equal(stopped.at(-1), stopAt);
  assert.ok(stopped.length <= 8);
  const greedy = generate(model, [1], { maxNewTokens: 5, temperature: 0 });
  assert.deepEqual(greedy, generate(model, [1], { maxNewTokens: 5, temperature: 0 }));
  assert.throws(() => generate(model, [], { maxNewTokens: 1, temperature: 0 }), /at least one token/);
  assert.throws(() => generate(model, [1], { maxNewTokens: 1, topP: 0, rng: new Rng(1) }), /topP must be in \(0, 1\]/);
  assert.throws(() => generate(model, [1], { maxNewTokens: 1 }), /needs an rng/);
  model.dispose();
});

Deno.test("generate: the cache changes no sampled token, stop token or stream; a stream stopped early frees it", async () => {
  await initBackend("wasm");
  const model = Gpt.create(
    { vocab_size: 11, block_size: 8, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0 },
    new Rng(4),
  );
  const opts = { maxNewTokens: 12, temperature: 1.2, topK: 6, topP: 0.95 };
  generate(model, [1, 2], { ...opts, rng: new Rng(5), useCache: false }); // warm up the per-length masks
  const before = tf.memory().numTensors;
  const on = generate(model, [1, 2], { ...opts, rng: new Rng(5) });
  const off = generate(model, [1, 2], { ...opts, rng: new Rng(5), useCache: false });
  assert.deepEqual(on, off, "same seed, same tokens, with or without the cache (past block_size too)");
  const stopAt = on[5]!;
  assert.deepEqual(
    generate(model, [1, 2], { ...opts, rng: new Rng(5), stopTokens: [stopAt] }),
    generate(model, [1, 2], { ...opts, rng: new Rng(5), stopTokens: [stopAt], useCache: false }),
  );
  const streamed: number[] = [];
  for await (const id of streamTokens(model, [1, 2], { ...opts, rng: new Rng(5) })) {
    streamed.push(id);
    if (streamed.length === 3) break;
  }
  assert.deepEqual(streamed, [...on.subarray(2, 5)]);
  assert.equal(tf.memory().numTensors, before, "a cache was left behind");
  model.dispose();
});

Deno.test("generate: a GPT-2 folder read by loadPretrained decodes with its KV cache, ids as without", async () => {
  await initBackend("wasm");
  const model = await loadPretrained(fileURLToPath(new URL("./testdata/tiny-gpt2-hub", import.meta.url)));
  assert.ok(isLanguageModel(model) && isIncremental(model));
  const opts = { maxNewTokens: 20, temperature: 0 }; // block_size 16: the last steps recompute
  assert.deepEqual(generate(model, [3, 1, 4], opts), generate(model, [3, 1, 4], { ...opts, useCache: false }));
  model.dispose();
});
