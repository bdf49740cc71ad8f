/**
 * AdamW (Loshchilov & Hutter): Adam with weight decay applied to the weights
 * directly, not through the gradient. Decay applies to matrices (2-D and up)
 * only, not to biases and LayerNorm gains, as in nanoGPT. The moments are
 * plain tensors so a checkpoint can save and restore them exactly.
 *
 * @module
 */
import { adamwInPlace, adamwUpdate, sumOfSquares, tf } from "../backend/mod.ts";
import type { NamedTensor } from "../models/mod.ts";
import type { Optimizer } from "./optimizer.ts";

/** AdamW hyper-parameters (the learning rate is passed to each step). */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** The AdamW optimizer over a fixed set of named variables. */
export class AdamW implements Optimizer {
  readonly params: Map<string, tf.Variable>;
  readonly options: AdamWOptions;
  #m = new Map<string, tf.Variable>();
  #v = new Map<string, tf.Variable>();
  /** Steps taken (for bias correction). */
  t = 0;

  constructor(params: Map<string, tf.Variable>, options: AdamWOptions) {
    this.params = params;
    this.options = options;
    for (const [name, p] of params) {
      this.#m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.#v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    }
  }

  /**
   * Applies one update with learning rate `lr` from gradients by name, each
   * multiplied by `gradScale` first (clipping). One fused pass per tensor,
   * in place where the backend allows it.
   */
  step(grads: Record<string, tf.Tensor>, lr: number, gradScale = 1): void {
    const { beta1, beta2, eps, weightDecay } = this.options;
    this.t++;
    const bc1 = 1 - beta1 ** this.t, bc2 = 1 - beta2 ** this.t;
    for (const [name, p] of this.params) {
      const g = grads[p.name];
      if (!g) continue;
      const m = this.#m.get(name)!, v = this.#v.get(name)!;
      const s = { lr, beta1, beta2, eps, decay: p.rank >= 2 ? lr * weightDecay : 0, bc1, bc2, gradScale };
      if (adamwInPlace(p, g, m, v, s)) continue;
      const [p2, m2, v2] = adamwUpdate(p, g, m, v, s);
      p.assign(p2!);
      m.assign(m2!);
      v.assign(v2!);
      tf.dispose([p2!, m2!, v2!]);
    }
  }

  /** The moments as named tensors (`<param>.exp_avg`, `<param>.exp_avg_sq`). */
  stateTensors(): Map<string, NamedTensor> {
    const out = new Map<string, NamedTensor>();
    for (const [name, m] of this.#m) {
      out.set(`${name}.exp_avg`, { shape: m.shape, data: m.dataSync() as Float32Array });
      out.set(`${name}.exp_avg_sq`, {
        shape: this.#v.get(name)!.shape,
        data: this.#v.get(name)!.dataSync() as Float32Array,
      });
    }
    return out;
  }

  /** Restores the moments and step count written by {@linkcode AdamW.stateTensors}. */
  loadState(tensors: Map<string, NamedTensor>, t: number): void {
    for (const [name, m] of this.#m) {
      for (const [suffix, target] of [["exp_avg", m], ["exp_avg_sq", this.#v.get(name)!]] as const) {
        const src = tensors.get(`${name}.${suffix}`);
        if (!src || src.data.length !== target.size) {
          throw new TypeError(`Cannot restore optimizer: ${name}.${suffix} is missing or has the wrong size`);
        }
        tf.tidy(() => target.assign(tf.tensor(src.data, target.shape)));
      }
    }
    this.t = t;
  }

  /** Releases the moments. */
  dispose(): void {
    for (const t of [...this.#m.values(), ...this.#v.values()]) t.dispose();
  }
}

/** The global L2 norm of gradients (one pass over memory on wasm and cpu). */
export function gradientNorm(grads: Record<string, tf.Tensor>): number {
  return Math.sqrt(sumOfSquares(Object.values(grads)));
}

/** The factor that brings a gradient of norm `norm` down to `maxNorm` (1 when it is within, or `maxNorm` is 0). */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (0 turns
 * clipping off). Returns the clipped gradients and the norm before clipping.
 * (The training loops pass {@linkcode clipScale} to the optimizer instead,
 * which saves a pass.)
 */
export function clipByGlobalNorm(
  grads: Record<string, tf.Tensor>,
  maxNorm: number,
): { grads: Record<string, tf.Tensor>; norm: number } {
  const norm = gradientNorm(grads);
  const scale = clipScale(norm, maxNorm);
  if (scale === 1) return { grads, norm };
  const out: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) {
    out[k] = tf.mul(g, scale);
    g.dispose();
  }
  return { grads: out, norm };
}

/**
 * Adds `grads` into `sum` in place, key by key (gradient accumulation),
 * disposing the tensors it replaces.
 */
export function accumulateGradients(sum: Record<string, tf.Tensor>, grads: Record<string, tf.Tensor>): void {
  for (const [k, g] of Object.entries(grads)) {
    const prev = sum[k];
    sum[k] = prev ? tf.add(prev, g) : g;
    if (prev) tf.dispose([prev, g]);
  }
}
