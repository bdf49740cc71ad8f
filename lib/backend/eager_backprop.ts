/**
 * Frees memory during tfjs's backward pass.
 *
 * tfjs 4.22's backprop keeps everything until the backward pass ends: every
 * tensor an op saved for its gradient (the forward activations) and every
 * intermediate gradient. For GPT-2 at 256 tokens that doubled the peak
 * (1.6 GB after the forward, 3.3 GB in the backward), which is what filled
 * the 4 GB wasm heap. {@linkcode installEagerBackprop} wraps the gradient
 * function of each node tfjs records on its tape so that, once the pass
 * has moved on to the next node, the previous node's saved tensors and
 * incoming gradients are disposed. Then the backward pass holds only the
 * activations it still needs, and the peak is the forward's.
 *
 * What is never freed: anything a gradient function returned more than
 * once or returned as-is (a pass-through `dy`), a `dy` created before the
 * gradient call (the caller's), and anything while a higher-order gradient
 * is being recorded (`tf.grad(tf.grad(f))` runs as tfjs does).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

interface TapeNode {
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}
interface EngineLike {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  addTapeNode(...args: unknown[]): void;
}
/** What one tape's backward pass still has to free. */
interface TapeState {
  /** Tensors with a smaller id were made before the tape started (a caller's `dy`): never freed. */
  firstId: number;
  /** The node whose gradient ran last: freed when the next one runs. */
  pending: { dys: (tf.Tensor | null)[]; saved: tf.Tensor[]; results: Set<tf.Tensor> } | null;
  /** How often each tensor was returned as a gradient. */
  returned: WeakMap<tf.Tensor, number>;
}

let installed = false;

/**
 * Makes tfjs free saved activations and used gradients during the backward
 * pass (idempotent; for every backend). Gradients are unchanged: the same
 * functions run in the same order.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { installEagerBackprop } from "./eager_backprop.ts";
 * installEagerBackprop();
 * const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.sin(x))))(tf.tensor([1, 2]));
 * if (g.shape[0] !== 2) throw new Error("one gradient per value");
 * ```
 */
export function installEagerBackprop(): void {
  if (installed) return;
  installed = true;
  const engine = tf.engine() as unknown as EngineLike;
  const tapes = new WeakMap<TapeNode[], TapeState>();
  const record = engine.addTapeNode;
  engine.addTapeNode = function (this: EngineLike, ...args: unknown[]) {
    record.apply(this, args);
    const tape = this.state.activeTape;
    const node = tape?.[tape.length - 1];
    if (!tape || !node?.gradient) return;
    let state = tapes.get(tape);
    if (!state) {
      state = { firstId: Math.min(...node.outputs.map((o) => o.id)), pending: null, returned: new WeakMap() };
      tapes.set(tape, state);
    }
    const s = state, gradient = node.gradient, saved = node.saved ?? [];
    node.gradient = (dys) => {
      // A higher-order gradient is recording this pass: keep everything.
      if (this.state.gradientDepth !== 0) return gradient(dys);
      _free(s);
      const fns = gradient(dys);
      const results = new Set<tf.Tensor>();
      const wrapped: Record<string, () => tf.Tensor> = {};
      for (const [name, fn] of Object.entries(fns)) {
        wrapped[name] = () => {
          const r = fn();
          results.add(r);
          s.returned.set(r, (s.returned.get(r) ?? 0) + 1);
          return r;
        };
      }
      s.pending = { dys, saved, results };
      return wrapped;
    };
  };
}

/** Frees the last node's incoming gradients and saved tensors (its input gradients are all computed by now). */
function _free(s: TapeState): void {
  const p = s.pending;
  if (!p) return;
  s.pending = null;
  for (const dy of p.dys) {
    if (!dy || dy.isDisposed || dy.id < s.firstId || p.results.has(dy)) continue;
    if ((s.returned.get(dy) ?? 0) > 1) continue;
    dy.dispose();
  }
  for (const t of p.saved) {
    if (!t.isDisposed && !p.results.has(t) && !s.returned.has(t)) t.dispose();
  }
}
