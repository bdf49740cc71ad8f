// Matrix products on the native path (ONNX Runtime behind tfjs's wasm
// kernels) must agree with the pure-JS CPU backend, leak no tensors, hand
// back to the previous kernels once another backend is active, and report
// ONNX Runtime failures with the op and the shapes.
import assert from "node:assert/strict";
import { initBackend, NativeSession, nativeStatus, OnnxGraph, tf } from "./mod.ts";
import { nativeKernelStats } from "./native_kernels.ts";
import { Rng } from "../random/mod.ts";

const available = nativeStatus().available;

/** A product to check: shapes, flags, and for fused ones a bias shape and an activation. */
interface Case {
  a: number[];
  b: number[];
  tA?: boolean;
  tB?: boolean;
  bias?: number[];
  activation?: "linear" | "relu" | "relu6" | "elu" | "leakyrelu" | "sigmoid" | "prelu";
}

const PLAIN: Case[] = [
  { a: [5, 7], b: [7, 3] },
  { a: [7, 5], b: [7, 3], tA: true },
  { a: [5, 7], b: [3, 7], tB: true },
  { a: [7, 5], b: [3, 7], tA: true, tB: true },
  { a: [1, 9], b: [9, 6] }, // 1xN
  { a: [9, 6], b: [6, 1] }, // Nx1
  { a: [6, 1], b: [1, 5] }, // K = 1
  { a: [1, 6], b: [1, 5], tA: true }, // K = 1, transposed
  { a: [1, 1], b: [1, 1] },
  { a: [33, 65], b: [65, 17] },
  { a: [2, 3, 5, 7], b: [2, 3, 7, 4] }, // batched
  { a: [2, 3, 7, 5], b: [2, 3, 7, 4], tA: true },
  { a: [2, 3, 5, 7], b: [2, 3, 4, 7], tB: true },
  { a: [4, 7, 1], b: [4, 4, 7], tA: true, tB: true },
  { a: [2, 3, 5, 7], b: [7, 4] }, // broadcast batch
  { a: [1, 3, 5, 7], b: [3, 4, 7], tB: true },
];

const FUSED: Case[] = [
  { a: [5, 7], b: [7, 3], bias: [3], activation: "linear" },
  { a: [5, 7], b: [7, 3], bias: [3], activation: "relu" },
  { a: [7, 5], b: [3, 7], tA: true, tB: true, bias: [3], activation: "relu" },
  { a: [5, 7], b: [3, 7], tB: true, activation: "sigmoid" },
  { a: [1, 7], b: [7, 4], bias: [4], activation: "elu" },
  { a: [6, 1], b: [1, 4], bias: [4], activation: "leakyrelu" },
  { a: [5, 7], b: [7, 3], bias: [3], activation: "relu6" },
  { a: [3, 5, 7], b: [3, 7, 4], bias: [4], activation: "relu" },
  { a: [3, 7, 5], b: [3, 4, 7], tA: true, tB: true, bias: [4], activation: "linear" },
];
// prelu needs its weights as an input: it stays on wasm's kernel (whose result differs from the CPU backend's).
const PRELU: Case[] = [{ a: [3, 5, 7], b: [3, 7, 4], bias: [4], activation: "prelu" }];

function values(rng: Rng, shape: number[]): Float32Array {
  return rng.normalArray(shape.reduce((x, y) => x * y, 1));
}

/** Runs every case on `backend` and returns the outputs (and, for fused cases, the gradients). */
async function run(backend: string, cases: Case[], fused: boolean): Promise<Float32Array[][]> {
  await initBackend(backend);
  const rng = new Rng(11);
  return cases.map((c) =>
    tf.tidy(() => {
      const a = tf.tensor(values(rng, c.a), c.a), b = tf.tensor(values(rng, c.b), c.b);
      if (!fused) return [tf.matMul(a, b, c.tA, c.tB).dataSync() as Float32Array];
      const bias = c.bias ? tf.tensor(values(rng, c.bias), c.bias) : undefined;
      const prelu = c.activation === "prelu" ? tf.fill([c.b.at(c.tB ? -2 : -1)!], 0.1) : undefined;
      const f = (x: tf.Tensor, y: tf.Tensor) =>
        tf.fused.matMul({
          a: x,
          b: y,
          transposeA: c.tA ?? false,
          transposeB: c.tB ?? false,
          ...(bias ? { bias } : {}),
          ...(prelu ? { preluActivationWeights: prelu } : {}),
          activation: c.activation ?? "linear",
        });
      const y = f(a, b);
      // Gradients through tfjs autodiff (plain products with flags, so the native BatchMatMul too).
      const grads = c.activation === "linear" || c.activation === "relu"
        ? tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(f(x, w), f(x, w))))([a, b])
        : [];
      return [y, ...grads].map((t) => t.dataSync() as Float32Array);
    })
  );
}

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 0, worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  }
  assert.ok(worst <= 1e-4 * Math.max(scale, 1e-6), `${what}: max difference ${worst} vs max |value| ${scale}`);
}

function label(c: Case): string {
  const flags = [c.tA && "tA", c.tB && "tB", c.bias && `bias[${c.bias}]`, c.activation].filter(Boolean);
  return `[${c.a}] @ [${c.b}] ${flags.join(" ")}`;
}

Deno.test({
  name: "native matMul: plain, transposed, batched and odd shapes match the CPU backend within 1e-4",
  ignore: !available,
  fn: async () => {
    const want = await run("cpu", PLAIN, false);
    const before = nativeKernelStats();
    const got = await run("native", PLAIN, false);
    const after = nativeKernelStats();
    PLAIN.forEach((c, i) => assertClose(got[i]![0]!, want[i]![0]!, label(c)));
    assert.equal(after.native - before.native, PLAIN.length, "every product ran on ONNX Runtime");
    assert.equal(after.fallback, before.fallback, "none fell back to wasm");
  },
});

Deno.test({
  name: "native fused matMul: bias and activations (and their gradients) match the CPU backend within 1e-4",
  ignore: !available,
  fn: async () => {
    const want = await run("cpu", FUSED, true);
    const before = nativeKernelStats();
    const got = await run("native", FUSED, true);
    const after = nativeKernelStats();
    FUSED.forEach((c, i) => {
      assert.equal(got[i]!.length, want[i]!.length);
      got[i]!.forEach((g, j) => assertClose(g, want[i]![j]!, `${label(c)} ${j === 0 ? "output" : `grad ${j}`}`));
    });
    // Each gradient case runs two fused products and four plain ones.
    const withGrads = FUSED.filter((c) => c.activation === "linear" || c.activation === "relu").length;
    assert.equal(after.native - before.native, FUSED.length + 6 * withGrads, "products and gradients ran natively");
    assert.equal(after.fallback, before.fallback, "none fell back to wasm");
    const wasmPrelu = await run("wasm", PRELU, true);
    const nativePrelu = await run("native", PRELU, true);
    assert.deepEqual(nativePrelu, wasmPrelu, "prelu runs on wasm's own kernel");
    assert.equal(nativeKernelStats().fallback, after.fallback + 1);
  },
});

Deno.test({
  name: "native kernels: no tensor or wasm memory leak; products go back to wasm's kernels after initBackend('wasm')",
  ignore: !available,
  fn: async () => {
    await initBackend("native");
    const a = tf.randomNormal([3, 4, 8, 16]), b = tf.randomNormal([3, 4, 16, 8]);
    const run = () => {
      tf.dispose(tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y, false, true)))([a, a]));
      tf.matMul(a, b).dispose();
      tf.matMul(a, a, true, false).dispose();
    };
    run(); // builds the sessions
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const tensors = tf.memory().numTensors, ids = backend.numDataIds();
    for (let i = 0; i < 5; i++) run();
    assert.equal(tf.memory().numTensors, tensors, "tensors leaked");
    assert.equal(backend.numDataIds(), ids, "wasm buffers leaked");
    const nativeBefore = nativeKernelStats().native;
    await initBackend("wasm");
    const y = tf.matMul(a, b);
    assert.deepEqual(y.shape, [3, 4, 8, 8]);
    assert.equal(nativeKernelStats().native, nativeBefore, "wasm products must not go to ONNX Runtime");
    tf.dispose([a, b, y]);
  },
});

Deno.test({
  name: "NativeSession.runInto: writes in place; an ONNX Runtime failure names the op and the shapes",
  ignore: !available,
  fn: () => {
    const g = new OnnxGraph("BatchMatMul");
    g.output(g.op("MatMul", [g.input("a", "float", [2, 3]), g.input("b", "float", [3, 2])]), "y", "float", [2, 2]);
    const s = new NativeSession(g.encode(), { label: "BatchMatMul (transposeB)" });
    const t = (data: number[], dims: number[]) => ({ type: "float32" as const, data: new Float32Array(data), dims });
    const y = t([0, 0, 0, 0], [2, 2]);
    s.runInto({ a: t([1, 2, 3, 4, 5, 6], [2, 3]), b: t([1, 0, 0, 1, 1, 1], [3, 2]) }, { y });
    assert.deepEqual([...y.data], [4, 5, 10, 11]);
    assert.throws(
      () => s.runInto({ a: t([1, 2, 3, 4], [2, 2]), b: t([1, 0, 0, 1, 1, 1], [3, 2]) }, { y }),
      /^Error: Native BatchMatMul \(transposeB\) failed: .*\(inputs a\[2,2\] b\[3,2\]\)$/s,
    );
    s.dispose();
  },
});
