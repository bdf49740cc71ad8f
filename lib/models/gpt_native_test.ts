// The hand-derived backward of gpt_graph.ts, run on ONNX Runtime, must give
// the same loss, logits and gradients as tfjs's autodiff on the pure-JS CPU
// backend (the reference), within 1e-4.
import assert from "node:assert/strict";
import { initBackend, nativeStatus, tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { Gpt, type GptConfig, initGptWeights } from "./gpt.ts";
import { GptNative } from "./gpt_native.ts";

const cfg: GptConfig = { vocab_size: 23, block_size: 16, n_layer: 2, n_head: 2, n_embd: 32, dropout: 0 };

function setup(B: number, T: number) {
  // Larger-than-default weights so every gradient is well away from zero.
  const weights = initGptWeights(cfg, new Rng(42));
  for (const [k, w] of weights) if (!k.includes("ln_")) w.forEach((v, i) => (w[i] = v * 10));
  const rng = new Rng(7);
  const x = Int32Array.from({ length: B * T }, () => rng.int(cfg.vocab_size));
  const y = Int32Array.from({ length: B * T }, () => rng.int(cfg.vocab_size));
  return { weights, x, y };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

const skip = !nativeStatus().available;

for (const [B, T] of [[3, 16], [2, 5]] as const) {
  Deno.test({
    name: `GptNative: loss, logits and every gradient match tfjs on cpu within 1e-4 (batch ${B} x ${T})`,
    ignore: skip,
    fn: async () => {
      await initBackend("cpu");
      const { weights, x, y } = setup(B, T);
      const model = new Gpt(cfg, weights);
      const scale = 0.5;
      const { value, grads } = tf.variableGrads(
        () => tf.mul(model.loss(x, y, B, T), scale) as tf.Scalar,
        [...model.params.values()],
      );
      const logits = model.logits(x, B, T);
      const native = new GptNative(cfg);
      const w = [...weights.values()];
      const r = native.gradients(w, x, y, B, T, scale);
      assert.ok(Math.abs(r.loss - value.dataSync()[0]!) < 1e-4, `loss ${r.loss} vs ${value.dataSync()[0]}`);
      assert.ok(Math.abs(native.loss(w, x, y, B, T) * scale - r.loss) < 1e-5, "loss mode agrees with train mode");
      assert.ok(maxDiff(native.logits(w, x, B, T), logits.dataSync()) < 1e-4, "logits");
      [...model.params.values()].forEach((p, i) => {
        const ref = grads[p.name]!.dataSync();
        let norm = 0;
        for (const v of ref) norm += v * v;
        assert.ok(norm > 0, `${p.name} has an all-zero gradient`);
        const d = maxDiff(r.grads[i]!, ref);
        assert.ok(d < 1e-4, `${p.name}: max abs difference ${d}`);
      });
      tf.dispose([value, logits, ...Object.values(grads)]);
      native.dispose();
      model.dispose();
    },
  });
}

Deno.test({
  name: "GptNative: the same inputs give bit-identical gradients (one and two threads)",
  ignore: skip,
  fn: () => {
    const { weights, x, y } = setup(4, 16);
    const w = [...weights.values()];
    for (const threads of [1, 2]) {
      const native = new GptNative(cfg, threads);
      const a = native.gradients(w, x, y, 4, 16, 1), b = native.gradients(w, x, y, 4, 16, 1);
      assert.equal(a.loss, b.loss);
      a.grads.forEach((g, i) => assert.deepEqual(g, b.grads[i], `gradient ${i} differs between calls`));
      native.dispose();
    }
  },
});

Deno.test({
  name: "GptNative: bad shapes are refused before ONNX Runtime sees them",
  ignore: skip,
  fn: () => {
    const native = new GptNative(cfg);
    const w = [...initGptWeights(cfg, new Rng(1)).values()];
    assert.throws(() => native.logits(w, new Int32Array(3), 1, 4), /expected 4 token ids for \[1, 4\] \(got 3\)/);
    assert.throws(() => native.logits(w, new Int32Array(17), 1, 17), /sequence length 17 exceeds block_size 16/);
    assert.throws(() => native.logits(w.slice(1), new Int32Array(4), 1, 4), /expected 28 weights \(got 27\)/);
    native.dispose();
  },
});

Deno.test({
  name: "GptNative: an ONNX Runtime error names the session, the node and the small inputs' shapes",
  ignore: skip,
  fn: () => {
    const native = new GptNative(cfg);
    const w = [...initGptWeights(cfg, new Rng(1)).values()];
    assert.throws(
      () => native.gradients(w, new Int32Array([1, 99]), new Int32Array([2, 3]), 1, 2, 1),
      (e: Error) =>
        /^Native gpt train \[1x2\] failed: .*Gather node.*idx=99/.test(e.message) &&
        /\(inputs idx\[2\] scale\[\] targets\[2\] .* and \d+ more\)$/.test(e.message),
    );
    native.dispose();
  },
});

Deno.test({
  name: "GptNative: gradientsInto writes the same gradients into caller buffers and returns the loss",
  ignore: skip,
  fn: () => {
    const { weights, x, y } = setup(2, 16);
    const w = [...weights.values()];
    const native = new GptNative(cfg);
    const r = native.gradients(w, x, y, 2, 16, 0.5);
    const into = w.map((t) => new Float32Array(t.length).fill(NaN));
    assert.equal(native.gradientsInto(w, into, x, y, 2, 16, 0.5), r.loss);
    into.forEach((g, i) => assert.deepEqual(g, r.grads[i], `gradient ${i}`));
    assert.throws(
      () => native.gradientsInto(w, into.slice(0, -1).concat([new Float32Array(1)]), x, y, 2, 16, 1),
      /the gradient buffer for ln_f.bias has 1 values/,
    );
    native.dispose();
  },
});
