/**
 * Runs a GPT through ONNX Runtime: the graphs of `gpt_graph.ts`, one
 * session per (mode, batch, length), fed the weights as they are (no copy
 * into ONNX Runtime). A training step is one call that returns the loss and
 * every gradient.
 *
 * @module
 */
import { NativeSession, type NativeTensor } from "../backend/mod.ts";
import type { GptConfig } from "./gpt.ts";
import { gptParamShapes } from "./gpt.ts";
import { buildGptGraph, type GptGraphOptions } from "./gpt_graph.ts";

/** Sessions kept per runner; eval and training use a handful of shapes. */
const MAX_SESSIONS = 8;

/** Loss and gradients of one batch, in `gptParamShapes` order. */
export interface NativeGradients {
  loss: number;
  grads: Float32Array[];
}

function ids(x: Int32Array): NativeTensor {
  return { type: "int64", data: BigInt64Array.from(x, (v) => BigInt(v)), dims: [x.length] };
}

/**
 * A GPT's forward and backward passes on ONNX Runtime.
 *
 * @example
 * ```ts ignore
 * import { GptNative } from "./gpt_native.ts";
 * import { initGptWeights } from "./gpt.ts";
 * import { Rng } from "../random/mod.ts";
 * const cfg = { vocab_size: 11, block_size: 8, n_layer: 1, n_head: 2, n_embd: 16, dropout: 0 };
 * const w = [...initGptWeights(cfg, new Rng(1)).values()];
 * const r = new GptNative(cfg).gradients(w, new Int32Array([1, 2]), new Int32Array([2, 3]), 1, 2, 1);
 * console.log(r.loss, r.grads.length);
 * ```
 */
export class GptNative {
  readonly config: GptConfig;
  readonly threads: number;
  #shapes: [string, number[]][];
  #sessions = new Map<string, { session: NativeSession; outputs: string[] }>();

  constructor(config: GptConfig, threads = 1) {
    this.config = config;
    this.threads = threads;
    this.#shapes = gptParamShapes(config);
  }

  #session(o: GptGraphOptions): { session: NativeSession; outputs: string[] } {
    const key = `${o.mode}:${o.batch}x${o.time}`;
    let s = this.#sessions.get(key);
    if (!s) {
      if (this.#sessions.size >= MAX_SESSIONS) {
        const [oldest, old] = this.#sessions.entries().next().value!;
        old.session.dispose();
        this.#sessions.delete(oldest);
      }
      const g = buildGptGraph(this.config, o);
      const label = `gpt ${o.mode} [${o.batch}x${o.time}]`;
      s = { session: new NativeSession(g.model, { threads: this.threads, label }), outputs: g.outputs };
      this.#sessions.set(key, s);
    }
    return s;
  }

  #feeds(weights: readonly Float32Array[], x: Int32Array): Record<string, NativeTensor> {
    if (weights.length !== this.#shapes.length) {
      throw new TypeError(`Cannot run gpt natively: expected ${this.#shapes.length} weights (got ${weights.length})`);
    }
    const feeds: Record<string, NativeTensor> = {};
    this.#shapes.forEach(([name, dims], i) => {
      const data = weights[i]!, size = dims.reduce((a, b) => a * b, 1);
      if (data.length !== size) {
        throw new TypeError(
          `Cannot run gpt natively: ${name} has ${data.length} values, expected ${size} ([${dims.join(", ")}])`,
        );
      }
      feeds[name] = { type: "float32", data, dims };
    });
    feeds.idx = ids(x);
    return feeds;
  }

  #check(x: Int32Array, B: number, T: number): void {
    if (T > this.config.block_size) {
      throw new RangeError(`Cannot run gpt: sequence length ${T} exceeds block_size ${this.config.block_size}`);
    }
    if (x.length !== B * T) {
      throw new TypeError(`Cannot run gpt: expected ${B * T} token ids for [${B}, ${T}] (got ${x.length})`);
    }
  }

  /** Mean cross-entropy times `scale`, and its gradient for every parameter. */
  gradients(
    weights: readonly Float32Array[],
    x: Int32Array,
    y: Int32Array,
    B: number,
    T: number,
    scale: number,
  ): NativeGradients {
    const grads = this.#shapes.map(([, dims]) => new Float32Array(dims.reduce((a, b) => a * b, 1)));
    return { loss: this.gradientsInto(weights, grads, x, y, B, T, scale), grads };
  }

  /**
   * As {@linkcode GptNative.gradients}, but ONNX Runtime writes each gradient
   * straight into `into` (in `gptParamShapes` order; views into another heap,
   * such as tfjs's wasm memory, work) and only the loss is returned.
   */
  gradientsInto(
    weights: readonly Float32Array[],
    into: readonly Float32Array[],
    x: Int32Array,
    y: Int32Array,
    B: number,
    T: number,
    scale: number,
  ): number {
    this.#check(x, B, T);
    const { session, outputs } = this.#session({ batch: B, time: T, mode: "train" });
    const feeds = this.#feeds(weights, x);
    feeds.targets = ids(y);
    feeds.scale = { type: "float32", data: new Float32Array([scale]), dims: [] };
    const loss = new Float32Array(1);
    const out: Record<string, NativeTensor> = { loss: { type: "float32", data: loss, dims: [] } };
    this.#shapes.forEach(([name, dims], i) => {
      const data = into[i]!;
      if (data.length !== dims.reduce((a, b) => a * b, 1)) {
        throw new TypeError(`Cannot run gpt natively: the gradient buffer for ${name} has ${data.length} values`);
      }
      out[outputs[i + 1]!] = { type: "float32", data, dims };
    });
    session.runInto(feeds, out);
    return loss[0]!;
  }

  /** Mean cross-entropy of `y` given `x`. */
  loss(weights: readonly Float32Array[], x: Int32Array, y: Int32Array, B: number, T: number): number {
    this.#check(x, B, T);
    const { session } = this.#session({ batch: B, time: T, mode: "loss" });
    const feeds = this.#feeds(weights, x);
    feeds.targets = ids(y);
    feeds.scale = { type: "float32", data: new Float32Array([1]), dims: [] };
    return session.run(feeds, ["loss"]).loss!.data[0] as number;
  }

  /** Logits `[B*T, vocab]`. */
  logits(weights: readonly Float32Array[], x: Int32Array, B: number, T: number): Float32Array {
    this.#check(x, B, T);
    const { session } = this.#session({ batch: B, time: T, mode: "logits" });
    return session.run(this.#feeds(weights, x), ["logits"]).logits!.data as Float32Array;
  }

  /** Frees every session. */
  dispose(): void {
    for (const s of this.#sessions.values()) s.session.dispose();
    this.#sessions.clear();
  }
}
