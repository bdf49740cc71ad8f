import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { createOptimizer } from "./optimizer.ts";
import { learningRate } from "./schedule.ts";
import { clipByGlobalNorm } from "./adamw.ts";

const base = { beta1: 0.9, beta2: 0.99, eps: 1e-8, momentum: 0.9, weight_decay: 0.1 };

// Two updates of a [1, 2] weight (decayed) and a [2] bias (not decayed),
// checked against PyTorch's update rules written out in float64.
function reference(kind: "adamw" | "sgd", p0: number[], grads: number[][], lr: number, decay: boolean): number[] {
  let p = [...p0];
  const m = p.map(() => 0), v = p.map(() => 0);
  grads.forEach((g, i) => {
    const t = i + 1;
    p = p.map((x, j) => {
      const gj = g[j]!;
      const wd = decay ? lr * base.weight_decay : 0;
      if (kind === "sgd") {
        m[j] = i === 0 ? gj : base.momentum * m[j]! + gj;
        return x * (1 - wd) - lr * m[j]!;
      }
      m[j] = base.beta1 * m[j]! + (1 - base.beta1) * gj;
      v[j] = base.beta2 * v[j]! + (1 - base.beta2) * gj * gj;
      const mh = m[j]! / (1 - base.beta1 ** t), vh = v[j]! / (1 - base.beta2 ** t);
      return x * (1 - wd) - lr * mh / (Math.sqrt(vh) + base.eps);
    });
  });
  return p;
}

for (const kind of ["adamw", "sgd"] as const) {
  Deno.test(`${kind}: two steps match PyTorch's update rule; state round-trips`, async () => {
    await initBackend("cpu");
    const params = new Map([
      ["w", tf.variable(tf.tensor([[0.5, -1.5]]), true, `w-${kind}`)],
      ["b", tf.variable(tf.tensor([0.25, 2]), true, `b-${kind}`)],
    ]);
    const opt = createOptimizer(params, { ...base, optimizer: kind });
    const gw = [[0.3, -0.2], [0.1, 0.4]], gb = [[1, -1], [0.5, 0.5]];
    for (let i = 0; i < 2; i++) {
      opt.step({ [`w-${kind}`]: tf.tensor([gw[i]!]), [`b-${kind}`]: tf.tensor(gb[i]!) }, 0.01);
    }
    const w = [...params.get("w")!.dataSync()], b = [...params.get("b")!.dataSync()];
    reference(kind, [0.5, -1.5], gw, 0.01, true).forEach((x, j) => assert.ok(Math.abs(x - w[j]!) < 1e-6, `w[${j}]`));
    reference(kind, [0.25, 2], gb, 0.01, false).forEach((x, j) => assert.ok(Math.abs(x - b[j]!) < 1e-6, `b[${j}]`));
    // Saved state restores exactly into a fresh optimizer.
    const state = opt.stateTensors();
    const again = createOptimizer(params, { ...base, optimizer: kind });
    again.loadState(state, opt.t);
    assert.deepEqual(
      [...again.stateTensors().values()].map((t) => [...t.data]),
      [...state.values()].map((t) => [...t.data]),
    );
    assert.throws(() => again.loadState(new Map(), 2), /Cannot restore optimizer: w\./);
    opt.dispose();
    again.dispose();
  });
}

Deno.test("learningRate: warmup then cosine, linear or constant", () => {
  const s = { lr: 1, minLr: 0.1, warmupSteps: 10, totalSteps: 110 };
  assert.equal(learningRate(0, s), 0.1);
  assert.equal(learningRate(9, s), 1);
  assert.ok(Math.abs(learningRate(60, s) - 0.55) < 1e-12, "cosine midpoint");
  assert.ok(Math.abs(learningRate(60, { ...s, kind: "linear" }) - 0.55) < 1e-12, "linear midpoint");
  assert.ok(Math.abs(learningRate(35, { ...s, kind: "linear" }) - 0.775) < 1e-12);
  assert.equal(learningRate(500, s), 0.1);
  assert.equal(learningRate(500, { ...s, kind: "constant" }), 1);
});

Deno.test("clipByGlobalNorm: scales to the max norm and reports the norm before", async () => {
  await initBackend("cpu");
  const { grads, norm } = clipByGlobalNorm({ a: tf.tensor([3]), b: tf.tensor([4]) }, 1);
  assert.ok(Math.abs(norm - 5) < 1e-6);
  assert.ok(Math.abs(grads.a!.dataSync()[0]! - 0.6) < 1e-5);
  const same = clipByGlobalNorm({ a: tf.tensor([0.3]) }, 1);
  assert.ok(Math.abs(same.grads.a!.dataSync()[0]! - 0.3) < 1e-7);
});

Deno.test("adamw on wasm: products after a step use the updated weights (no stale packed copy)", async () => {
  await initBackend("wasm");
  const w = tf.tidy(() => tf.variable(tf.tensor([[1, 2], [3, 4]]), true, "w-stale"));
  const x = tf.tensor([[1, 1]]);
  const opt = createOptimizer(new Map([["w", w]]), { ...base, optimizer: "adamw" });
  const g = tf.tensor([[1, -1], [1, -1]]);
  for (let i = 0; i < 3; i++) {
    const before = tf.matMul(x, w); // packs w's current tensor for XNNPACK
    opt.step({ "w-stale": g }, 0.5);
    const after = tf.matMul(x, w).dataSync();
    const expected = tf.matMul(x, tf.tensor(w.dataSync(), [2, 2])).dataSync();
    assert.notDeepEqual([...after], [...before.dataSync()], `step ${i + 1}: the weights moved`);
    assert.deepEqual([...after], [...expected], `step ${i + 1}: the product uses them`);
    before.dispose();
  }
  tf.dispose([x, g]);
  opt.dispose();
  w.dispose();
});
