/**
 * Fused optimizer ops: the AdamW update and the sum of squares of many
 * tensors, each one pass over memory in JS instead of a dozen tfjs ops per
 * parameter (AdamW over gpt-micro's 50 tensors was ~600 ops and ~10 ms a
 * step on wasm; fused it is ~1-2 ms). Registered as tfjs kernels for the
 * wasm and cpu backends, where tensor memory can be read in place; other
 * backends get the same math as plain tfjs ops.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { wasmHeap } from "./wasm_heap.ts";

/** AdamW settings for one update. `decay` is `lr * weight_decay` (0 for vectors). */
export interface AdamWStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay already multiplied by the learning rate. */
  decay: number;
  /** `1 - beta1^t` and `1 - beta2^t`. */
  bc1: number;
  bc2: number;
  /** Multiplies the gradient first (clipping). */
  gradScale: number;
}

interface HeapBackend {
  refCount?(dataId: unknown): number;
  data?: { get(id: unknown): { values?: Float32Array } | undefined };
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** A view of a float32 tensor's memory on the wasm or cpu backend (no copy), or null. */
function view(backend: HeapBackend, t: tf.TensorInfo): Float32Array | null {
  const heap = wasmHeap(backend);
  if (heap) return heap.view(t);
  const values = backend.data?.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

function adamwLoop(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  outs: Float32Array[],
  s: AdamWStep,
) {
  const [po, mo, vo] = outs as [Float32Array, Float32Array, Float32Array];
  const { beta1, beta2, eps, gradScale } = s;
  // lr (m / bc1) / (sqrt(v / bc2) + eps), with the constants folded out of the loop
  const keep = 1 - s.decay, a1 = (1 - beta1) * gradScale, a2 = (1 - beta2) * gradScale * gradScale;
  const step = s.lr / s.bc1, invSqrtBc2 = 1 / Math.sqrt(s.bc2);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + a1 * gi;
    const vi = beta2 * v[i]! + a2 * gi * gi;
    mo[i] = mi;
    vo[i] = vi;
    po[i] = p[i]! * keep - (step * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ["wasm", "cpu"]) {
    tf.registerKernel({
      kernelName: "CodexAdamW",
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const b = backend as unknown as HeapBackend;
        const { p, g, m, v } = inputs as Record<string, tf.TensorInfo>;
        const s = attrs as unknown as AdamWStep;
        const heap = wasmHeap(backend);
        if (heap) {
          const outs = [0, 1, 2].map(() => heap.alloc(p!.shape, "AdamW"));
          // Views are taken after allocating: the wasm heap may have grown.
          adamwLoop(heap.view(p!), heap.view(g!), heap.view(m!), heap.view(v!), outs.map(heap.view), s);
          return outs;
        }
        const outs = [0, 1, 2].map(() => new Float32Array(p!.shape.reduce((x, y) => x * y, 1)));
        adamwLoop(view(b, p!)!, view(b, g!)!, view(b, m!)!, view(b, v!)!, outs, s);
        return outs.map((o) => b.makeTensorInfo!(p!.shape, "float32", o));
      },
    });
  }
}

function fused(): boolean {
  register();
  return tf.getBackend() === "wasm" || tf.getBackend() === "cpu";
}

/**
 * One AdamW update of `p` with gradient `g` and moments `m`, `v`: returns
 * the new `[p, m, v]` (the caller assigns them). One pass over memory on
 * wasm and cpu.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { adamwUpdate } from "./fused_ops.ts";
 * await tf.setBackend("cpu");
 * const [p] = adamwUpdate(tf.tensor([1]), tf.tensor([0.5]), tf.tensor([0]), tf.tensor([0]), {
 *   lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, decay: 0, bc1: 0.1, bc2: 0.01, gradScale: 1,
 * });
 * if (Math.abs(p!.dataSync()[0]! - 0.9) > 1e-6) throw new Error("Adam's first step moves by lr");
 * ```
 */
export function adamwUpdate(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: AdamWStep): tf.Tensor[] {
  if (fused() && p.dtype === "float32" && g.dtype === "float32") {
    return tf.engine().runKernel("CodexAdamW", { p, g, m, v }, s as unknown as tf.NamedAttrMap) as tf.Tensor[];
  }
  return tf.tidy(() => {
    const gs = s.gradScale === 1 ? g : tf.mul(g, s.gradScale);
    const m2 = tf.add(tf.mul(m, s.beta1), tf.mul(gs, 1 - s.beta1));
    const v2 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(gs), 1 - s.beta2));
    const update = tf.div(tf.div(m2, s.bc1), tf.add(tf.sqrt(tf.div(v2, s.bc2)), s.eps));
    return [tf.sub(tf.mul(p, 1 - s.decay), tf.mul(update, s.lr)), m2, v2];
  });
}

/**
 * The AdamW update written in place into the memory of `p`, `m` and `v`
 * (no allocation, no tfjs op), when the backend allows it (cpu, all float32,
 * and no other tensor shares their memory). Returns false, having
 * changed nothing, when it does not; then use {@linkcode adamwUpdate}.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { adamwInPlace } from "./fused_ops.ts";
 * await tf.setBackend("cpu");
 * const p = tf.variable(tf.tensor([1])), m = tf.variable(tf.tensor([0])), v = tf.variable(tf.tensor([0]));
 * const s = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, decay: 0, bc1: 0.1, bc2: 0.01, gradScale: 1 };
 * if (adamwInPlace(p, tf.tensor([0.5]), m, v, s) && Math.abs(p.dataSync()[0]! - 0.9) > 1e-6) throw new Error("wrong");
 * ```
 */
export function adamwInPlace(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: AdamWStep): boolean {
  // Only on cpu: tfjs-wasm's matrix kernels keep a packed copy of each
  // right-hand operand per tensor, so a weight changed in place would keep
  // multiplying with its old values. On wasm the update writes new tensors.
  if (!fused() || tf.getBackend() !== "cpu") return false;
  const b = tf.backend() as unknown as HeapBackend;
  try {
    const own = [p, m, v];
    if ([...own, g].some((t) => t.dtype !== "float32")) return false;
    if (own.some((t) => b.refCount?.(t.dataId) !== 1)) return false;
    const [pv, gv, mv, vv] = [p, g, m, v].map((t) => view(b, t));
    if (!pv || !gv || !mv || !vv) return false;
    adamwLoop(pv, gv, mv, vv, [pv, mv, vv], s);
    return true;
  } catch {
    return false; // a tensor lives on another backend
  }
}

/**
 * The sum of squares of every value of `tensors` (for the global gradient
 * norm), in one JS pass over memory on wasm and cpu.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { sumOfSquares } from "./fused_ops.ts";
 * await tf.setBackend("cpu");
 * if (sumOfSquares([tf.tensor([3]), tf.tensor([4])]) !== 25) throw new Error("3^2 + 4^2");
 * ```
 */
export function sumOfSquares(tensors: tf.Tensor[]): number {
  if (fused()) {
    const b = tf.backend() as unknown as HeapBackend;
    let sum = 0;
    for (const t of tensors) {
      let x: Float32Array | null = null;
      try {
        x = t.dtype === "float32" ? view(b, t) : null;
      } catch {
        x = null; // the tensor lives on another backend
      }
      if (!x) return slowSumOfSquares(tensors);
      for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
    }
    return sum;
  }
  return slowSumOfSquares(tensors);
}

function slowSumOfSquares(tensors: tf.Tensor[]): number {
  if (tensors.length === 0) return 0;
  return tf.tidy(() => tf.addN(tensors.map((g) => tf.sum(tf.square(g)))).dataSync()[0]!);
}
