// The GPT's gradients on the wasm backend (with codex's kernels: the JS
// UnsortedSegmentSum, the per-item XNNPACK BatchMatMul, and the custom
// gradients of ops.ts) and on the native backend (the same, with every
// product on ONNX Runtime through native_kernels.ts) must match the pure-JS
// CPU backend's.
import assert from "node:assert/strict";
import { initBackend, nativeStatus, tf } from "./mod.ts";
import { nativeKernelStats } from "./native_kernels.ts";
import { Gpt, type GptConfig, initGptWeights } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";

const cfg: GptConfig = { vocab_size: 23, block_size: 16, n_layer: 2, n_head: 2, n_embd: 32, dropout: 0 };
const B = 3, T = 16;

async function gradsOn(backend: string) {
  await initBackend(backend);
  // Larger-than-default weights so every gradient is well away from zero.
  const weights = initGptWeights(cfg, new Rng(42));
  for (const [k, w] of weights) if (!k.includes("ln_")) w.forEach((v, i) => (w[i] = v * 10));
  const model = new Gpt(cfg, weights);
  const rng = new Rng(7);
  const x = Int32Array.from({ length: B * T }, () => rng.int(cfg.vocab_size));
  const y = Int32Array.from({ length: B * T }, () => rng.int(cfg.vocab_size));
  const { value, grads } = tf.variableGrads(() => model.loss(x, y, B, T), [...model.params.values()]);
  const out = {
    loss: value.dataSync()[0]!,
    grads: new Map([...model.params].map(([k, v]) => [k, grads[v.name]!.dataSync() as Float32Array])),
  };
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

type Grads = Awaited<ReturnType<typeof gradsOn>>;

function assertSameGrads(cpu: Grads, other: Grads, backend: string): void {
  assert.ok(Math.abs(cpu.loss - other.loss) < 1e-4, `loss cpu ${cpu.loss} vs ${backend} ${other.loss}`);
  assert.equal(other.grads.size, 2 + 12 * cfg.n_layer + 2, "every parameter has a gradient");
  let worst = 0, worstName = "";
  for (const [name, g] of cpu.grads) {
    const w = other.grads.get(name);
    assert.ok(w, `${backend} has no gradient for ${name}`);
    assert.equal(w.length, g.length);
    let norm = 0;
    for (let i = 0; i < g.length; i++) {
      const d = Math.abs(g[i]! - w[i]!);
      if (d > worst) [worst, worstName] = [d, name];
      norm += g[i]! * g[i]!;
    }
    assert.ok(norm > 0, `${name} has an all-zero gradient`);
  }
  assert.ok(worst < 1e-4, `max abs gradient difference ${worst} (in ${worstName})`);
}

Deno.test("GPT gradients on wasm match the CPU backend within 1e-4", async () => {
  const cpu = await gradsOn("cpu");
  assertSameGrads(cpu, await gradsOn("wasm"), "wasm");
});

Deno.test({
  name: "GPT gradients on native (tfjs autodiff, products on ONNX Runtime) match the CPU backend within 1e-4",
  ignore: !nativeStatus().available,
  fn: async () => {
    const cpu = await gradsOn("cpu");
    const before = nativeKernelStats();
    const tensors = tf.memory().numTensors;
    const native = await gradsOn("native");
    assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
    const after = nativeKernelStats();
    // Per layer: 4 dense layers (3 products each) and 2 attention products (3 each); plus the head's 3.
    assert.ok(after.native - before.native >= 18 * cfg.n_layer + 3, `${after.native - before.native} native products`);
    assert.equal(after.fallback, before.fallback, "no product fell back to wasm");
    assertSameGrads(cpu, native, "native");
  },
});

Deno.test("wasm BatchMatMul fast path matches the reference product", async () => {
  await initBackend("wasm");
  const rng = new Rng(3);
  const a = tf.tensor(rng.normalArray(2 * 3 * 5 * 7), [2, 3, 5, 7]);
  const b = tf.tensor(rng.normalArray(2 * 3 * 7 * 4), [2, 3, 7, 4]);
  const fast = tf.matMul(a, b).arraySync() as number[][][][];
  // Reference: the same product through the un-batched path, item by item.
  const as = a.reshape([6, 5, 7]).unstack(), bs = b.reshape([6, 7, 4]).unstack();
  as.forEach((ai, i) => {
    const ref = tf.matMul(ai as tf.Tensor2D, bs[i] as tf.Tensor2D).arraySync() as number[][];
    const got = fast[Math.floor(i / 3)]![i % 3]!;
    ref.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - got[r]![c]!) < 1e-5)));
  });
  // Transposed and broadcast cases go to the original kernel and stay right.
  const t = tf.matMul(a, b.reshape([2, 3, 4, 7]), false, true);
  assert.deepEqual(t.shape, [2, 3, 5, 4]);
  tf.dispose([a, b, t, ...as, ...bs]);
});
