/**
 * Matrix products for tfjs's wasm backend on ONNX Runtime's CPU kernels
 * (MLAS), used while the `native` backend is active.
 *
 * tfjs-backend-wasm multiplies plain 2-D matrices on XNNPACK at 13-25
 * GFLOP/s here and runs transposed or batched products in a loop at about 1;
 * MLAS does 60-110 on one thread. {@linkcode registerNativeKernels} wraps the
 * wasm `BatchMatMul` and `_FusedMatMul` kernels: while `nativeActive()` is
 * true, a float32 product runs as a one-node ONNX graph (`MatMul`; `Gemm` for
 * 2-D with transposes or a bias; `com.microsoft` `FusedMatMul` for batched
 * transposes; plus `Add` and the activation for a fused product), on a
 * session cached per shape and flags. The inputs are fed as views into the
 * wasm heap and the result is written straight into the output tensor's
 * heap memory, so nothing is copied on our side. Anything else (other
 * dtypes, empty tensors, shapes that do not broadcast, a `prelu`
 * activation, and every call while another backend is active) goes to the
 * kernel that was registered before, unchanged.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nativeActive } from "./backend.ts";
import { NativeSession } from "./native_runtime.ts";
import { f, OnnxGraph } from "./onnx_graph.ts";
import { type WasmHeap, wasmHeap } from "./wasm_heap.ts";

/** One product as the kernels see it. */
interface Product {
  kernel: "BatchMatMul" | "_FusedMatMul";
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias: tf.TensorInfo | undefined;
  transposeA: boolean;
  transposeB: boolean;
  activation: string;
  leakyreluAlpha: number;
}

/** Counters since the process started (or {@linkcode clearNativeKernelSessions}). */
export interface NativeKernelStats {
  /** Products that ran on ONNX Runtime. */
  native: number;
  /** Products handed to the previous kernel while native was active (unsupported dtype, shape or activation). */
  fallback: number;
  /** Sessions built (one per distinct shapes, flags, bias and activation). */
  sessionsBuilt: number;
  /** Sessions alive in the cache. */
  sessionsCached: number;
}

/** At most this many sessions stay cached; the oldest is freed first. */
const MAX_SESSIONS = 512;
const sessions = new Map<string, NativeSession>();
const stats = { native: 0, fallback: 0, sessionsBuilt: 0 };
let registered = false;

/** How the activations of `_FusedMatMul` map to ONNX (`prelu` needs its weights and stays on wasm). */
const ACTIVATIONS: Record<string, (g: OnnxGraph, y: string, alpha: number) => string> = {
  linear: (_g, y) => y,
  relu: (g, y) => g.op("Relu", [y]),
  relu6: (g, y) => g.op("Clip", [y, g.scalar(0), g.scalar(6)]),
  elu: (g, y) => g.op("Elu", [y], { alpha: f(1) }),
  leakyrelu: (g, y, alpha) => g.op("LeakyRelu", [y], { alpha: f(alpha) }),
  sigmoid: (g, y) => g.op("Sigmoid", [y]),
};

/**
 * Routes tfjs's wasm `BatchMatMul` and `_FusedMatMul` to ONNX Runtime while
 * the native backend is active (`initBackend("native")` calls it; it is
 * idempotent). Each override checks `nativeActive()` on every call and
 * otherwise runs the kernel registered before it, so after
 * `initBackend("wasm")` products run exactly as they did.
 *
 * @example
 * ```ts ignore
 * import { initBackend, tf } from "./mod.ts";
 * await initBackend("native"); // registers the kernels
 * tf.matMul(tf.ones([2, 3]), tf.ones([4, 3]), false, true).print(); // runs on MLAS
 * ```
 */
export function registerNativeKernels(): void {
  if (registered) return;
  registered = true;
  override("BatchMatMul", (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    return {
      kernel: "BatchMatMul",
      a,
      b,
      bias: undefined,
      transposeA: !!transposeA,
      transposeB: !!transposeB,
      activation: "linear",
      leakyreluAlpha: 0,
    };
  });
  override("_FusedMatMul", (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string;
      leakyreluAlpha?: number;
    };
    if (preluActivationWeights != null) return null;
    return {
      kernel: "_FusedMatMul",
      a: a!,
      b: b!,
      bias: bias ?? undefined,
      transposeA: !!attrs.transposeA,
      transposeB: !!attrs.transposeB,
      activation: attrs.activation ?? "linear",
      leakyreluAlpha: attrs.leakyreluAlpha ?? 0.2,
    };
  });
}

/** Product counts and cached sessions (see {@linkcode NativeKernelStats}). */
export function nativeKernelStats(): NativeKernelStats {
  return { ...stats, sessionsCached: sessions.size };
}

/** Frees every cached session and zeroes the counters. */
export function clearNativeKernelSessions(): void {
  for (const s of sessions.values()) s.dispose();
  sessions.clear();
  stats.native = stats.fallback = stats.sessionsBuilt = 0;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

function override(name: "BatchMatMul" | "_FusedMatMul", read: (args: KernelArgs) => Product | null): void {
  const previous = tf.getKernel(name, "wasm");
  if (previous === undefined) return;
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({
    ...previous,
    kernelFunc: (args) => {
      if (!nativeActive()) return previous.kernelFunc(args);
      const p = read(args);
      const out = p && runNative(p, wasmHeap(args.backend)!);
      if (out) return out;
      stats.fallback++;
      return previous.kernelFunc(args);
    },
  });
}

/** Numpy/tfjs broadcasting of two shapes, or null when they do not broadcast. */
function broadcast(x: readonly number[], y: readonly number[]): number[] | null {
  const n = Math.max(x.length, y.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const dx = x[x.length - n + i] ?? 1, dy = y[y.length - n + i] ?? 1;
    if (dx !== dy && dx !== 1 && dy !== 1) return null;
    out[i] = dx === 1 ? dy : dx;
  }
  return out;
}

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The output shape of a product ONNX Runtime can run, or null to leave it to the previous kernel. */
function outputShape(p: Product): number[] | null {
  const { a, b, bias } = p;
  if (a.dtype !== "float32" || b.dtype !== "float32") return null;
  if (!(p.activation in ACTIVATIONS)) return null;
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const M = a.shape[p.transposeA ? ra - 1 : ra - 2]!, Ka = a.shape[p.transposeA ? ra - 2 : ra - 1]!;
  const Kb = b.shape[p.transposeB ? rb - 1 : rb - 2]!, N = b.shape[p.transposeB ? rb - 2 : rb - 1]!;
  if (Ka !== Kb) return null;
  // tfjs flattens the batch axes and broadcasts only a batch of one: beyond
  // that ([1, 3] with [2, 1]) its kernels disagree with numpy, so leave those
  // to them.
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const batch = broadcast(batchA, batchB), nA = size(batchA), nB = size(batchB);
  if (!batch || (nA !== 1 && nB !== 1 && !(nA === nB && size(batch) === nA))) return null;
  const out = [...batch, M, N];
  if (Ka === 0 || size(out) === 0) return null;
  if (bias) {
    if (bias.dtype !== "float32" || bias.shape.length > out.length) return null;
    const withBias = broadcast(out, bias.shape);
    if (!withBias || withBias.some((d, i) => d !== out[i])) return null;
  }
  return out;
}

/** The one-node graph (plus bias and activation) for a product. */
function buildGraph(p: Product, out: number[]): OnnxGraph {
  const g = new OnnxGraph(p.kernel);
  const a = g.input("a", "float", p.a.shape), b = g.input("b", "float", p.b.shape);
  const c = p.bias ? g.input("bias", "float", p.bias.shape) : null;
  const flat = p.a.shape.length === 2 && p.b.shape.length === 2;
  const gemm = flat && (p.transposeA || p.transposeB || c !== null);
  let y: string;
  if (gemm) {
    y = g.op("Gemm", c ? [a, b, c] : [a, b], { transA: p.transposeA ? 1 : 0, transB: p.transposeB ? 1 : 0 });
  } else if (p.transposeA || p.transposeB) {
    const attrs = { transA: p.transposeA ? 1 : 0, transB: p.transposeB ? 1 : 0, alpha: f(1) };
    y = g.op("FusedMatMul", [a, b], attrs, "com.microsoft");
  } else {
    y = g.op("MatMul", [a, b]);
  }
  if (c && !gemm) y = g.op("Add", [y, c]);
  y = ACTIVATIONS[p.activation]!(g, y, p.leakyreluAlpha);
  g.output(y, "y", "float", out);
  return g;
}

function describe(p: Product): string {
  const flags = [p.transposeA && "transposeA", p.transposeB && "transposeB"].filter(Boolean);
  if (p.activation !== "linear") flags.push(p.activation);
  return flags.length ? `${p.kernel} (${flags.join(", ")})` : p.kernel;
}

function sessionFor(p: Product, out: number[]): NativeSession {
  const key = `${p.kernel}|${p.a.shape}|${p.b.shape}|${+p.transposeA}${+p.transposeB}|${
    p.bias?.shape ?? "-"
  }|${p.activation}|${p.activation === "leakyrelu" ? p.leakyreluAlpha : ""}`;
  let s = sessions.get(key);
  if (s) return s;
  if (sessions.size >= MAX_SESSIONS) {
    const [oldest, old] = sessions.entries().next().value!;
    old.dispose();
    sessions.delete(oldest);
  }
  s = new NativeSession(buildGraph(p, out).encode(), { threads: 1, label: describe(p) });
  sessions.set(key, s);
  stats.sessionsBuilt++;
  return s;
}

/** Runs a product on ONNX Runtime into a new wasm tensor, or returns null when it cannot. */
function runNative(p: Product, heap: WasmHeap): tf.TensorInfo | null {
  const shape = outputShape(p);
  if (!shape) return null;
  const session = sessionFor(p, shape);
  const out = heap.alloc(shape, describe(p));
  const view = (t: tf.TensorInfo) => ({ type: "float32" as const, data: heap.view(t), dims: t.shape });
  const feeds = p.bias ? { a: view(p.a), b: view(p.b), bias: view(p.bias) } : { a: view(p.a), b: view(p.b) };
  try {
    session.runInto(feeds, { y: view(out) });
  } catch (err) {
    heap.free(out);
    throw err;
  }
  stats.native++;
  return out;
}
