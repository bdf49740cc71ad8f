/**
 * SGD with momentum (PyTorch's form: `buf = momentum * buf + g`,
 * `p -= lr * buf`) and decoupled weight decay on matrices.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { NamedTensor } from "../models/mod.ts";
import type { Optimizer } from "./optimizer.ts";

/** SGD hyper-parameters (the learning rate is passed to each step). */
export interface SgdOptions {
  momentum: number;
  weightDecay: number;
}

/** SGD with momentum over a fixed set of named variables. */
export class Sgd implements Optimizer {
  readonly params: Map<string, tf.Variable>;
  readonly options: SgdOptions;
  #buf = new Map<string, tf.Variable>();
  t = 0;

  constructor(params: Map<string, tf.Variable>, options: SgdOptions) {
    this.params = params;
    this.options = options;
    for (const [name, p] of params) this.#buf.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  step(grads: Record<string, tf.Tensor>, lr: number, gradScale = 1): void {
    const { momentum, weightDecay } = this.options;
    this.t++;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const raw = grads[p.name];
        if (!raw) continue;
        const g = gradScale === 1 ? raw : tf.mul(raw, gradScale);
        const buf = this.#buf.get(name)!;
        buf.assign(momentum > 0 ? tf.add(tf.mul(buf, momentum), g) : g);
        const decayed = p.rank >= 2 && weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(buf, lr)));
      }
    });
  }

  stateTensors(): Map<string, NamedTensor> {
    return new Map(
      [...this.#buf].map((
        [name, b],
      ) => [`${name}.momentum_buffer`, { shape: b.shape, data: b.dataSync() as Float32Array }]),
    );
  }

  loadState(tensors: Map<string, NamedTensor>, t: number): void {
    for (const [name, b] of this.#buf) {
      const src = tensors.get(`${name}.momentum_buffer`);
      if (!src || src.data.length !== b.size) {
        throw new TypeError(`Cannot restore optimizer: ${name}.momentum_buffer is missing or has the wrong size`);
      }
      tf.tidy(() => b.assign(tf.tensor(src.data, b.shape)));
    }
    this.t = t;
  }

  dispose(): void {
    for (const b of this.#buf.values()) b.dispose();
  }
}
