import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { BowLinear } from "./bow_linear.ts";
import { createModel, listModels } from "./registry.ts";
import { getWeights, setWeights } from "./weights.ts";
import { modelSuite } from "./model_suite.ts";

modelSuite("bow-linear", { vocab_size: 20, num_labels: 2 }, { kind: "cls", lr: 0.1 });

// Class 1 iff token 3 appears; padding (mask 0) must be ignored.
function toyBatch(rng: Rng, B = 16, T = 6) {
  const ids = new Int32Array(B * T), mask = new Int32Array(B * T), labels = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const len = 2 + rng.int(T - 1);
    labels[b] = rng.int(2);
    for (let t = 0; t < len; t++) {
      ids[b * T + t] = labels[b] && t === 0 ? 3 : 4 + rng.int(6);
      mask[b * T + t] = 1;
    }
    for (let t = len; t < T; t++) ids[b * T + t] = 3; // padding that would leak the answer if counted
  }
  return { input: { ids, mask, batch: B, time: T }, labels };
}

Deno.test("bow-linear: registered, learns a bag-of-words rule, ignores padding, same gradients on wasm and cpu", async () => {
  const info = listModels().find((m) => m.name === "bow-linear")!;
  assert.equal(info.task, "classification");
  assert.equal(info.params, 4096 * 2 + 2);
  const grads = new Map<string, Float32Array[]>();
  for (const backend of ["cpu", "wasm"]) {
    await initBackend(backend);
    const m = createModel("bow-linear", { vocab_size: 10, num_labels: 2 }, new Rng(1)) as BowLinear;
    const { input, labels } = toyBatch(new Rng(2));
    const g = tf.variableGrads(() => m.loss(input, labels), [...m.params.values()]);
    grads.set(backend, [...m.params.values()].map((v) => g.grads[v.name]!.dataSync() as Float32Array));
    tf.dispose([g.value, ...Object.values(g.grads)]);
    m.dispose();
  }
  grads.get("cpu")!.forEach((g, i) => g.forEach((v, j) => assert.ok(Math.abs(v - grads.get("wasm")![i]![j]!) < 1e-6)));

  await initBackend("wasm");
  const m = BowLinear.create({ vocab_size: 10, num_labels: 2 }, new Rng(1));
  const rng = new Rng(3);
  let first = 0, last = 0;
  for (let step = 0; step < 60; step++) {
    const { input, labels } = toyBatch(rng);
    const { value, grads: g } = tf.variableGrads(() => m.loss(input, labels), [...m.params.values()]);
    for (const v of m.params.values()) v.assign(tf.sub(v, tf.mul(g[v.name]!, 2)));
    const l = value.dataSync()[0]!;
    if (step === 0) first = l;
    last = l;
    tf.dispose([value, ...Object.values(g)]);
  }
  assert.ok(last < first / 2, `loss falls (${first} -> ${last})`);
  const { input, labels } = toyBatch(new Rng(9), 64);
  const pred = tf.tidy(() => tf.argMax(m.logits(input), -1).dataSync() as Int32Array);
  const acc = [...pred].filter((p, i) => p === labels[i]).length / labels.length;
  assert.ok(acc > 0.9, `accuracy ${acc}`);
  // Save/load by name.
  const copy = new BowLinear({ vocab_size: 10, num_labels: 2 });
  setWeights(copy, getWeights(m));
  assert.deepEqual(copy.logits(input).dataSync(), m.logits(input).dataSync());
  assert.throws(
    () => m.features({ ids: new Int32Array([12]), mask: new Int32Array([1]), batch: 1, time: 1 }),
    /token id 12 is outside/,
  );
  assert.throws(() => createModel("bow-linear", { num_labels: 1 }), /num_labels/);
  copy.dispose();
  m.dispose();
});
