import assert from "node:assert/strict";
import { initBackend, tf } from "../backend/mod.ts";
import { Sgd } from "./sgd.ts";

await initBackend("cpu");

let made = 0;
/** A weight matrix `w` [1, 2] and a bias `b` [1], with variable names unique to this call. */
function params(w = [[1, -2]], b = [0.5]) {
  const id = made++;
  return new Map([
    ["w", tf.variable(tf.tensor(w), true, `sgd-test-w-${id}`)],
    ["b", tf.variable(tf.tensor(b), true, `sgd-test-b-${id}`)],
  ]);
}
const grads = (p: Map<string, tf.Variable>, w: number[], b: number[]) => ({
  [p.get("w")!.name]: tf.tensor([w]),
  [p.get("b")!.name]: tf.tensor(b),
});
const values = (p: Map<string, tf.Variable>, k: string) => [...p.get(k)!.dataSync()];
function close(got: number[], want: number[], what: string, tol = 1e-6) {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= tol, `${what}[${i}]: ${g} vs ${want[i]}`));
}
const G1 = { w: [0.2, 0.4], b: [1] }, G2 = { w: [-0.1, 0.3], b: [2] };

Deno.test("Sgd: two momentum steps match PyTorch's rule (buf = m*buf + g; p -= lr*buf), worked by hand", () => {
  const p = params();
  const opt = new Sgd(p, { momentum: 0.9, weightDecay: 0 });
  opt.step(grads(p, G1.w, G1.b), 0.1);
  // step 1: buf = g1 (PyTorch starts the buffer at the first gradient)
  close(values(p, "w"), [1 - 0.02, -2 - 0.04], "w after 1");
  close(values(p, "b"), [0.5 - 0.1], "b after 1");
  opt.step(grads(p, G2.w, G2.b), 0.1);
  // step 2: buf_w = 0.9 * [0.2, 0.4] + [-0.1, 0.3] = [0.08, 0.66]; buf_b = 0.9 + 2 = 2.9
  close(values(p, "w"), [0.98 - 0.008, -2.04 - 0.066], "w after 2");
  close(values(p, "b"), [0.4 - 0.29], "b after 2");
  assert.equal(opt.t, 2);
  const state = opt.stateTensors();
  assert.deepEqual([...state.keys()], ["w.momentum_buffer", "b.momentum_buffer"]);
  assert.deepEqual(state.get("w.momentum_buffer")!.shape, [1, 2]);
  close([...state.get("w.momentum_buffer")!.data], [0.08, 0.66], "buf_w");
  close([...state.get("b.momentum_buffer")!.data], [2.9], "buf_b");
  opt.dispose();
});

Deno.test("Sgd: weight decay is decoupled (p *= 1 - lr*wd) and applies to matrices only", () => {
  const p = params();
  const opt = new Sgd(p, { momentum: 0.9, weightDecay: 0.5 });
  opt.step(grads(p, G1.w, G1.b), 0.1);
  // w: [1, -2] * 0.95 - 0.1 * [0.2, 0.4] = [0.93, -1.94]; b has rank 1: no decay
  close(values(p, "w"), [0.93, -1.94], "w after 1");
  close(values(p, "b"), [0.4], "b after 1");
  opt.step(grads(p, G2.w, G2.b), 0.1);
  // w: [0.93, -1.94] * 0.95 - 0.1 * [0.08, 0.66] = [0.8755, -1.909]
  close(values(p, "w"), [0.8755, -1.909], "w after 2");
  close(values(p, "b"), [0.11], "b after 2");
  opt.dispose();
});

Deno.test("Sgd: momentum 0 is plain SGD; a parameter without a gradient is left alone", () => {
  const p = params();
  const opt = new Sgd(p, { momentum: 0, weightDecay: 0 });
  opt.step(grads(p, G1.w, G1.b), 0.1);
  opt.step({ [p.get("b")!.name]: tf.tensor(G2.b) }, 0.1);
  close(values(p, "w"), [0.98, -2.04], "w (no gradient at step 2)");
  close(values(p, "b"), [0.5 - 0.1 - 0.2], "b");
  assert.equal(opt.t, 2);
  opt.dispose();
});

Deno.test("Sgd: saved state resumes exactly; missing or mis-sized buffers are a TypeError", () => {
  const straight = params(), resumed = params();
  const a = new Sgd(straight, { momentum: 0.9, weightDecay: 0.5 });
  a.step(grads(straight, G1.w, G1.b), 0.1);
  a.step(grads(straight, G2.w, G2.b), 0.1);

  const b = new Sgd(resumed, { momentum: 0.9, weightDecay: 0.5 });
  b.step(grads(resumed, G1.w, G1.b), 0.1);
  const saved = b.stateTensors();
  b.dispose();
  const c = new Sgd(resumed, { momentum: 0.9, weightDecay: 0.5 });
  c.loadState(saved, 1);
  assert.equal(c.t, 1);
  c.step(grads(resumed, G2.w, G2.b), 0.1);
  assert.equal(c.t, 2);
  assert.deepEqual(values(resumed, "w"), values(straight, "w"));
  assert.deepEqual(values(resumed, "b"), values(straight, "b"));

  const message = "Cannot restore optimizer: b.momentum_buffer is missing or has the wrong size";
  const noB = new Map([...saved].filter(([k]) => k !== "b.momentum_buffer"));
  assert.throws(() => c.loadState(noB, 1), (e: unknown) => e instanceof TypeError && e.message === message);
  const wrong = new Map(saved).set("b.momentum_buffer", { shape: [2], data: new Float32Array(2) });
  assert.throws(() => c.loadState(wrong, 1), (e: unknown) => e instanceof TypeError && e.message === message);
  a.dispose();
  c.dispose();
});
