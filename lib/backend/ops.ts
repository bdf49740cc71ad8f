/**
 * Fast building blocks for models on the wasm backend.
 *
 * tfjs-backend-wasm multiplies plain matrices with XNNPACK at full speed, but
 * falls back to a slow loop for `transposeA`/`transposeB`, and tfjs's own
 * matMul gradient uses those flags. The ops here keep the backward pass on
 * plain products with explicit transposes (cheap for 2-, 3- and 4-D), and
 * compute bias gradients as a product with a row of ones instead of a
 * column reduction (slow on wasm).
 *
 * On the native backend, products with transpose flags run on ONNX Runtime
 * as fast as plain ones (`native_kernels.ts`), so there the gradients pass
 * the flags instead of materialising transposed copies (for GPT-2's tied
 * 50257 x 768 head that copy is 154 MB and ~0.1 s a step).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nativeActive } from "./backend.ts";

const ones = new Map<number, tf.Tensor2D>();
function onesRow(n: number): tf.Tensor2D {
  let t = ones.get(n);
  if (!t) {
    t = tf.keep(tf.ones([1, n]));
    ones.set(n, t);
  }
  return t;
}

/**
 * `a @ b` with either operand transposed: on native with transpose flags
 * (ONNX Runtime reads them in place at full speed), elsewhere with explicit
 * transposes (wasm's flagged products run a slow loop).
 */
function product<T extends tf.Tensor>(a: T, b: T, transposeA: boolean, transposeB: boolean): T {
  if (nativeActive()) return tf.matMul(a, b, transposeA, transposeB) as T;
  return tf.matMul(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b) as T;
}

const matMulFast = tf.customGrad((a, b, save) => {
  const x = a as tf.Tensor2D, w = b as tf.Tensor2D;
  (save as tf.GradSaveFunc)([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [product(d, sw, false, true), product(sx, d, true, false)];
    },
  };
});

/**
 * `a @ b` for 2-D tensors, with a gradient made of plain 2-D products.
 *
 * @example
 * ```ts ignore
 * import * as tf from "@tensorflow/tfjs";
 * import { matMul } from "./ops.ts";
 * matMul(tf.ones([2, 3]), tf.ones([3, 4])).print();
 * ```
 */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulFast(a, b) as tf.Tensor2D;
}

const matMulTFast = tf.customGrad((a, b, save) => {
  const x = a as tf.Tensor2D, w = b as tf.Tensor2D;
  (save as tf.GradSaveFunc)([x, w]);
  return {
    // On native the transposed operand is read in place; wasm multiplies
    // transposed operands slowly, so it gets an explicit transpose.
    value: product(x, w, false, true),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, sw), product(d, sx, true, false)];
    },
  };
});

/**
 * `a @ b^T` for 2-D tensors (a tied output head: hidden states times the
 * embedding matrix), without a transposed copy of `b` on the native path.
 *
 * @example
 * ```ts ignore
 * import * as tf from "@tensorflow/tfjs";
 * import { matMulT } from "./ops.ts";
 * matMulT(tf.ones([2, 3]), tf.ones([4, 3])).print(); // [2, 4]
 * ```
 */
export function matMulT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulTFast(a, b) as tf.Tensor2D;
}

const linearFast = tf.customGrad((x, w, b, save) => {
  const x2 = x as tf.Tensor2D, w2 = w as tf.Tensor2D;
  (save as unknown as tf.GradSaveFunc)([x2, w2]);
  return {
    value: tf.add(tf.matMul(x2, w2), b as tf.Tensor1D),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [
        product(d, sw, false, true),
        product(sx, d, true, false),
        tf.reshape(tf.matMul(onesRow(d.shape[0]), d), [d.shape[1]]),
      ];
    },
  };
  // deno-lint-ignore no-explicit-any
}) as any as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** A dense layer, `x @ w + b`, with a gradient of plain 2-D products. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return linearFast(x, w, b);
}

const linearTFast = tf.customGrad((x, w, b, save) => {
  const x2 = x as tf.Tensor2D, w2 = w as tf.Tensor2D;
  (save as unknown as tf.GradSaveFunc)([x2, w2]);
  return {
    value: tf.add(tf.matMul(x2, tf.transpose(w2)), b as tf.Tensor1D),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [
        tf.matMul(d, sw),
        product(d, sx, true, false),
        tf.reshape(tf.matMul(onesRow(d.shape[0]), d), [d.shape[1]]),
      ];
    },
  };
  // deno-lint-ignore no-explicit-any
}) as any as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** A dense layer with PyTorch's `[out, in]` weight layout, `x @ w^T + b` (BERT's Linear). */
export function linearT(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return linearTFast(x, w, b);
}

function swapLast(t: tf.Tensor): tf.Tensor {
  const r = t.rank;
  const perm = [...Array(r).keys()];
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return tf.transpose(t, perm);
}

const bmmFast = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor, b as tf.Tensor),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      const d = dy as tf.Tensor;
      return [product(d, sb, false, true), product(sa, d, true, false)];
    },
  };
});

/**
 * Batched `a @ b` over leading dimensions (same batch shape on both sides),
 * with a gradient that uses no transpose flags. With the wasm BatchMatMul
 * kernel from `kernels.ts`, each batch item runs on XNNPACK.
 */
export function bmm<T extends tf.Tensor>(a: T, b: T): T {
  return bmmFast(a, b) as T;
}

/** Swaps the last two axes (`[..., m, n]` to `[..., n, m]`). */
export function transposeLast<T extends tf.Tensor>(t: T): T {
  return swapLast(t) as T;
}

/**
 * A one-hot float32 matrix. Made in int32 and cast: `tf.oneHot(.., "float32")`
 * returns wrong values on wasm (1 becomes 1.4e-45).
 */
export function oneHot(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(indices, depth, 1, 0, "int32"), "float32") as tf.Tensor2D);
}

let variableCount = 0;

/**
 * A variable whose tfjs name is `name` plus a unique suffix (`wte.weight_7`):
 * tfjs names are global, so two models with the same parameter names can
 * live side by side. Gradients from `tf.variableGrads` are keyed by it.
 *
 * The variable takes over `value`, which is disposed (pass a fresh tensor).
 * `tf.variable` shares the value's memory and leaves the value itself
 * alive, so without this a disposed model kept all its weights' memory (500
 * MB for GPT-2) and one tensor per parameter.
 */
export function namedVariable(value: tf.Tensor, name: string, trainable = true): tf.Variable {
  const v = tf.variable(value, trainable, `${name}_${++variableCount}`);
  value.dispose();
  return v;
}
