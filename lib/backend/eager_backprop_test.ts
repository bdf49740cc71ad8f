// The backward pass frees what it no longer needs, and gradients stay what
// tfjs computes: a caller's dy survives, pass-through gradients work,
// higher-order gradients work, nothing leaks.
import assert from "node:assert/strict";
import { initBackend, tf } from "./mod.ts";

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`eager backprop (${backend}): a deep chain's backward holds only what it still needs`, async () => {
    await initBackend(backend);
    const x = tf.randomNormal([64, 1024]);
    const before = tf.memory().numTensors;
    let during = -1;
    // The first op of the forward is the last of the backward: it sees what is still alive then.
    const probe = tf.customGrad((a, save) => {
      (save as tf.GradSaveFunc)([]);
      return {
        value: tf.mul(a as tf.Tensor, 1),
        gradFunc: (dy) => {
          during = tf.memory().numTensors - before;
          return [tf.mul(dy as tf.Tensor, 1)];
        },
      };
    });
    const f = (t: tf.Tensor) => {
      let h = probe(t) as tf.Tensor;
      for (let i = 0; i < 40; i++) h = tf.sin(h);
      return tf.sum(h);
    };
    const g = tf.grad(f)(x);
    // 40 saved inputs and 40 gradients would be alive without the eager frees.
    assert.ok(during >= 0 && during < 12, `${during} tensors alive at the end of the backward pass`);
    const want = tf.tidy(() => {
      // d/dx of sum(sin^40(x)), by the chain rule, forward.
      let h = x, d = tf.onesLike(x);
      for (let i = 0; i < 40; i++) {
        d = tf.mul(d, tf.cos(h));
        h = tf.sin(h);
      }
      return d;
    });
    const gv = g.dataSync(), wv = want.dataSync();
    for (let i = 0; i < gv.length; i++) assert.ok(Math.abs(gv[i]! - wv[i]!) < 1e-5);
    tf.dispose([g, want]);
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
    x.dispose();
  });
}

Deno.test("eager backprop: the caller's dy, pass-through gradients and second derivatives survive", async () => {
  await initBackend("cpu");
  const x = tf.tensor([1, 2, 3]);
  const dy = tf.tensor([1, 10, 100]);
  // A gradient that hands dy back unchanged, between two ops.
  const straight = tf.customGrad((a, save) => {
    (save as tf.GradSaveFunc)([]);
    return { value: tf.round(a as tf.Tensor), gradFunc: (d) => [d as tf.Tensor] };
  });
  const [g] = tf.grads((t: tf.Tensor) => tf.mul(straight(tf.mul(t, 2)) as tf.Tensor, 3))([x], dy);
  assert.deepEqual([...g!.dataSync()], [6, 60, 600]);
  assert.deepEqual([...dy.dataSync()], [1, 10, 100], "the caller's dy is not disposed");
  // d2/dx2 of x^3 is 6x (the inner backward runs while the outer one records).
  const second = tf.grad((t: tf.Tensor) => tf.grad((u: tf.Tensor) => tf.pow(u, 3))(t))(x);
  assert.deepEqual([...second.dataSync()], [6, 12, 18]);
  tf.dispose([x, dy, g!, second]);
});
