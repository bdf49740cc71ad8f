// The ONNX writer against ONNX Runtime itself: every attribute kind codex
// writes must reach the kernel with its value, and bad input must be named.
import assert from "node:assert/strict";
import { f, OnnxGraph } from "./onnx_graph.ts";
import { NativeSession, nativeStatus } from "./native_runtime.ts";

const skip = !nativeStatus().available;

Deno.test({
  name: "OnnxGraph: float, int, ints and tensor attributes and shared constants reach ONNX Runtime",
  ignore: skip,
  fn: () => {
    const g = new OnnxGraph("attrs");
    const x = g.input("x", "float", [2, 3]);
    const w = g.input("w", "float", [4, 3]);
    // Gemm with alpha (float) and transB (int): y = 0.5 * x @ w^T + 1
    const y = g.op("Gemm", [x, w, g.scalar(1)], { alpha: f(0.5), transB: 1 });
    // Transpose with perm (ints); LeakyRelu takes a float alpha too
    const t = g.op("Transpose", [y], { perm: [1, 0] });
    const r = g.op("LeakyRelu", [g.op("Sub", [t, g.scalar(4)])], { alpha: f(0.25) });
    // ConstantOfShape takes its fill value as a tensor attribute
    const c = g.op("ConstantOfShape", [g.ints([4, 2])], { value: { type: "float", dims: [1], data: [2] } });
    g.output(g.op("Add", [r, c]), "out", "float", [4, 2]);
    assert.equal(g.scalar(1), g.scalar(1), "equal small constants are shared");
    const s = new NativeSession(g.encode(), { label: "attrs" });
    const out = s.run({
      x: { type: "float32", data: new Float32Array([1, 2, 3, 4, 5, 6]), dims: [2, 3] },
      w: { type: "float32", data: new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]), dims: [4, 3] },
    }, ["out"]).out!;
    s.dispose();
    assert.deepEqual(out.dims, [4, 2]);
    // y = 0.5 x w^T + 1 = [[1.5, 2, 2.5, 4], [3, 3.5, 4, 8.5]]; then transpose, -4, leaky relu, +2.
    const y2 = [[1.5, 2, 2.5, 4], [3, 3.5, 4, 8.5]];
    const expected = [0, 1, 2, 3].flatMap((j) => [0, 1].map((i) => y2[i]![j]! - 4)).map((v) =>
      (v < 0 ? 0.25 * v : v) + 2
    );
    assert.deepEqual([...out.data as Float32Array], expected);
  },
});

Deno.test({
  name:
    "NativeSession: a model ONNX Runtime cannot build, and a feed of the wrong shape, are errors naming the session",
  ignore: skip,
  fn: () => {
    const g = new OnnxGraph("broken");
    const x = g.input("x", "float", [2]);
    g.output(g.op("NoSuchOp", [x]), "y", "float", [2]);
    assert.throws(
      () => new NativeSession(g.encode(), { label: "broken graph" }),
      /^Error: Cannot build native broken graph: .*NoSuchOp/,
    );
    const ok = new OnnxGraph("double");
    const a = ok.input("a", "float", [2]);
    ok.output(ok.op("Add", [a, a]), "b", "float", [2]);
    const s = new NativeSession(ok.encode(), { label: "double" });
    assert.throws(
      () => s.run({ a: { type: "float32", data: new Float32Array(3), dims: [3] } }, ["b"]),
      /^Error: Native double failed: .*\(inputs a\[3\]\)$/,
    );
    s.dispose();
  },
});

Deno.test("OnnxGraph: a fractional number where an int attribute goes is refused", () => {
  const g = new OnnxGraph("bad");
  const x = g.input("x", "float", [2]);
  g.output(g.op("LeakyRelu", [x], { alpha: 0.5 }), "y", "float", [2]);
  assert.throws(() => g.encode(), /Cannot encode attribute alpha: 0.5 is not an int \(use f\(\)\)/);
});
