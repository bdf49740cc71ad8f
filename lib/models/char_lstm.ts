/**
 * A character-level LSTM language model: an embedding, `n_layer` LSTM layers
 * unrolled over the context, and a dense head. The input projections of all
 * time steps run as one matrix product; only the recurrent product runs per
 * step. `tanh` is computed as `2 sigmoid(2x) - 1` (the same function; much
 * faster on wasm).
 *
 * @module
 */
import { linear, matMul, oneHot, tf } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { DecoderCache, DecoderStep, LanguageModel } from "./model.ts";
import { countValues, paramVariables } from "./weights.ts";

/** The shape of a char-LSTM. */
export type CharLstmConfig = {
  /** Number of token ids. */
  vocab_size: number;
  /** Context length the trainer feeds (the LSTM itself takes any length up to it). */
  block_size: number;
  /** Embedding width. */
  n_embd: number;
  /** Hidden (and cell) width. */
  n_hidden: number;
  /** Stacked LSTM layers. */
  n_layer: number;
  /** Dropout between layers during training. */
  dropout: number;
};

/** Parameter names and shapes, in order. */
export function charLstmShapes(c: CharLstmConfig): [string, number[]][] {
  const out: [string, number[]][] = [["embedding.weight", [c.vocab_size, c.n_embd]]];
  for (let l = 0; l < c.n_layer; l++) {
    const input = l === 0 ? c.n_embd : c.n_hidden;
    out.push(
      [`lstm.${l}.weight_ih`, [input, 4 * c.n_hidden]],
      [`lstm.${l}.weight_hh`, [c.n_hidden, 4 * c.n_hidden]],
      [`lstm.${l}.bias`, [4 * c.n_hidden]],
    );
  }
  out.push(["head.weight", [c.n_hidden, c.vocab_size]], ["head.bias", [c.vocab_size]]);
  return out;
}

function _fastTanh(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** Checks a config and says what is wrong with it. */
export function validateCharLstmConfig(c: CharLstmConfig): void {
  for (const k of ["vocab_size", "block_size", "n_embd", "n_hidden", "n_layer"] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) {
      throw new RangeError(`Cannot build char-lstm: ${k} must be a positive integer (got ${c[k]})`);
    }
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw new RangeError(`Cannot build char-lstm: dropout must be in [0, 1) (got ${c.dropout})`);
  }
}

/**
 * A char-LSTM's {@linkcode DecoderCache}: its recurrent state, per layer the
 * hidden and cell states `[batch, n_hidden]` after the tokens fed so far.
 * Made by {@linkcode CharLstm.startCache} and {@linkcode CharLstm.step}.
 *
 * @example
 * ```ts
 * import { Rng } from "../random/mod.ts";
 * import { CharLstm } from "./char_lstm.ts";
 * const cfg = { vocab_size: 10, block_size: 8, n_embd: 8, n_hidden: 16, n_layer: 1, dropout: 0 };
 * const model = CharLstm.create(cfg, new Rng(1));
 * const empty = model.startCache(1);
 * const { logits, cache } = model.step(new Int32Array([1, 2, 3]), empty);
 * if (cache.length !== 3 || cache.h[0]!.shape.join() !== "1,16") throw new Error(`length ${cache.length}`);
 * logits.dispose();
 * empty.dispose();
 * cache.dispose();
 * model.dispose();
 * ```
 */
export class CharLstmState implements DecoderCache {
  /** The model that made it. */
  readonly model: CharLstm;
  /** Sequences (rows) it holds. */
  readonly batch: number;
  /** Positions fed so far. */
  readonly length: number;
  /** Hidden state per layer, `[batch, n_hidden]`. */
  readonly h: readonly tf.Tensor2D[];
  /** Cell state per layer, `[batch, n_hidden]`. */
  readonly c: readonly tf.Tensor2D[];
  #disposed = false;

  /** A state over `h` and `c` (it takes them over: they are kept out of any `tf.tidy`). */
  constructor(model: CharLstm, batch: number, length: number, h: tf.Tensor2D[], c: tf.Tensor2D[]) {
    this.model = model;
    this.batch = batch;
    this.length = length;
    this.h = h.map((t) => tf.keep(t));
    this.c = c.map((t) => tf.keep(t));
  }

  /** Whether {@linkcode CharLstmState.dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Releases the states (a second call does nothing). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    tf.dispose([...this.h, ...this.c]);
  }
}

/**
 * The char-LSTM language model. Gates are laid out `[i, f, g, o]` (PyTorch's
 * order) in `[in, 4 * n_hidden]` weights used as `x @ W`; one bias per layer.
 *
 * @example
 * ```ts ignore
 * import { CharLstm } from "./char_lstm.ts";
 * import { Rng } from "../random/mod.ts";
 * const cfg = { vocab_size: 10, block_size: 8, n_embd: 8, n_hidden: 16, n_layer: 2, dropout: 0 };
 * const model = CharLstm.create(cfg, new Rng(1));
 * const idx = new Int32Array([1, 2, 3, 4]);
 * model.loss(idx, idx, 1, 4).print();
 * ```
 */
export class CharLstm implements LanguageModel {
  readonly family = "lstm";
  readonly config: CharLstmConfig;
  readonly params: Map<string, tf.Variable>;
  #dropoutSeed = 0;

  /** A model with the given weights (every name of {@linkcode charLstmShapes}, row-major). */
  constructor(config: CharLstmConfig, weights: Map<string, Float32Array>) {
    validateCharLstmConfig(config);
    this.params = paramVariables("char-lstm", charLstmShapes(config), weights);
    this.config = { ...config };
  }

  /** PyTorch's LSTM init, U(-1/sqrt(H), 1/sqrt(H)), with the forget-gate bias at 1. */
  static create(config: CharLstmConfig, rng: Rng): CharLstm {
    validateCharLstmConfig(config);
    const w = new Map<string, Float32Array>();
    const bound = 1 / Math.sqrt(config.n_hidden);
    for (const [name, shape] of charLstmShapes(config)) {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = name === "embedding.weight"
        ? rng.normalArray(n, 0.1)
        : new Float32Array(n).map(() => (2 * rng.next() - 1) * bound);
      if (name.endsWith(".bias") && name.startsWith("lstm.")) v.fill(1, config.n_hidden, 2 * config.n_hidden);
      w.set(name, v);
    }
    return new CharLstm(config, w);
  }

  /** Number of trainable values. */
  countParams(): number {
    return countValues(this.params);
  }

  /** Sets the seed stream for dropout masks (so resumed runs replay them). */
  setDropoutSeed(seed: number): void {
    this.#dropoutSeed = seed;
  }

  #p(name: string): tf.Variable {
    return this.params.get(name)!;
  }

  /** Logits `[batch * time, vocab]` for token ids `[batch, time]`. */
  logits(idx: Int32Array, B: number, T: number, training = false): tf.Tensor2D {
    const { n_hidden: H, n_layer, dropout, block_size } = this.config;
    if (T > block_size) {
      throw new RangeError(`Cannot run char-lstm: sequence length ${T} exceeds block_size ${block_size}`);
    }
    if (idx.length !== B * T) {
      throw new TypeError(`Cannot run char-lstm: expected ${B * T} token ids for [${B}, ${T}] (got ${idx.length})`);
    }
    this.#checkIds(idx, "run");
    let x = tf.gather(this.#p("embedding.weight"), tf.tensor1d(idx, "int32")) as tf.Tensor2D; // [B*T, E]
    for (let l = 0; l < n_layer; l++) {
      x = this.#layer(l, x, B, T, tf.zeros([B, H]), tf.zeros([B, H])).out;
      if (training && dropout > 0 && l < n_layer - 1) {
        x = tf.dropout(x, dropout, undefined, this.#dropoutSeed++) as tf.Tensor2D;
      }
    }
    return linear(x, this.#p("head.weight") as tf.Tensor2D, this.#p("head.bias") as tf.Tensor1D);
  }

  #checkIds(idx: Int32Array, action: string): void {
    const V = this.config.vocab_size;
    const bad = idx.findIndex((id) => id < 0 || id >= V);
    if (bad >= 0) {
      throw new RangeError(`Cannot ${action} char-lstm: token id ${idx[bad]} is outside the vocabulary (${V})`);
    }
  }

  /**
   * One LSTM layer over `T` steps from state `(h, c)`: all time steps' input
   * projections at once, then the recurrence step by step. Returns every
   * step's output `[B * T, n_hidden]` and the final state.
   */
  #layer(
    l: number,
    x: tf.Tensor2D,
    B: number,
    T: number,
    h: tf.Tensor2D,
    c: tf.Tensor2D,
  ): { out: tf.Tensor2D; h: tf.Tensor2D; c: tf.Tensor2D } {
    const H = this.config.n_hidden;
    const xw = linear(x, this.#p(`lstm.${l}.weight_ih`) as tf.Tensor2D, this.#p(`lstm.${l}.bias`) as tf.Tensor1D);
    const steps = T === 1 ? [xw] : tf.unstack(tf.transpose(tf.reshape(xw, [B, T, 4 * H]), [1, 0, 2])) as tf.Tensor2D[];
    const outs: tf.Tensor2D[] = [];
    for (const s of steps) {
      const gates = tf.add(s, matMul(h, this.#p(`lstm.${l}.weight_hh`) as tf.Tensor2D));
      const [i, f, g, o] = tf.split(gates, 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), _fastTanh(g!))) as tf.Tensor2D;
      h = tf.mul(tf.sigmoid(o!), _fastTanh(c)) as tf.Tensor2D;
      outs.push(h);
    }
    const out = T === 1 ? h : tf.reshape(tf.transpose(tf.stack(outs), [1, 0, 2]), [B * T, H]) as tf.Tensor2D;
    return { out, h, c };
  }

  /**
   * An empty recurrent state (zeros) for `batch` sequences, for {@linkcode CharLstm.step}.
   *
   * @example
   * ```ts
   * import { Rng } from "../random/mod.ts";
   * import { CharLstm } from "./char_lstm.ts";
   * const cfg = { vocab_size: 10, block_size: 8, n_embd: 8, n_hidden: 16, n_layer: 2, dropout: 0 };
   * const model = CharLstm.create(cfg, new Rng(1));
   * const state = model.startCache(1);
   * if (state.length !== 0 || state.h.length !== 2) throw new Error("one state per layer");
   * state.dispose();
   * model.dispose();
   * ```
   */
  startCache(batch: number): CharLstmState {
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new RangeError(`Cannot start char-lstm state: batch must be a positive integer (got ${batch})`);
    }
    const { n_hidden: H, n_layer } = this.config;
    const zeros = () => Array.from({ length: n_layer }, () => tf.zeros([batch, H]) as tf.Tensor2D);
    return new CharLstmState(this, batch, 0, zeros(), zeros());
  }

  /**
   * Feeds `ids` (`[batch, time]` row-major) on from the recurrent state in
   * `state` and returns the last position's logits `[batch, vocab]` with the
   * new state (`state` is left as it was). The logits equal those of
   * {@linkcode CharLstm.logits} over the whole sequence; a token fed one at a
   * time costs one step. Inference only (no dropout). Like `logits`, it
   * refuses to go past `block_size` positions.
   *
   * @example
   * ```ts
   * import { initBackend, tf } from "../backend/mod.ts";
   * import { Rng } from "../random/mod.ts";
   * import { CharLstm } from "./char_lstm.ts";
   * await initBackend("cpu");
   * const cfg = { vocab_size: 10, block_size: 8, n_embd: 8, n_hidden: 16, n_layer: 2, dropout: 0 };
   * const model = CharLstm.create(cfg, new Rng(1));
   * const s0 = model.startCache(1);
   * const a = model.step(new Int32Array([4, 5]), s0);
   * const b = model.step(new Int32Array([6]), a.cache);
   * const full = tf.tidy(() => model.logits(new Int32Array([4, 5, 6]), 1, 3).slice([2, 0], [1, -1]));
   * const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(full, b.logits))).dataSync()[0]!);
   * if (diff > 1e-5) throw new Error(`stepped logits differ by ${diff}`);
   * tf.dispose([a.logits, b.logits, full]);
   * for (const s of [s0, a.cache, b.cache]) s.dispose();
   * model.dispose();
   * ```
   */
  step(ids: Int32Array, state: DecoderCache): DecoderStep & { cache: CharLstmState } {
    const { n_layer, block_size } = this.config;
    if (!(state instanceof CharLstmState) || state.model !== this) {
      throw new TypeError("Cannot step char-lstm: the state was not made by this model (use its startCache)");
    }
    if (state.disposed) throw new TypeError("Cannot step char-lstm: the state has been disposed");
    const B = state.batch, L = state.length;
    if (ids.length === 0 || ids.length % B !== 0) {
      throw new TypeError(
        `Cannot step char-lstm: expected a positive multiple of batch ${B} token ids (got ${ids.length})`,
      );
    }
    const T = ids.length / B;
    if (L + T > block_size) {
      throw new RangeError(`Cannot step char-lstm: ${L} fed and ${T} new positions exceed block_size ${block_size}`);
    }
    this.#checkIds(ids, "step");
    const out = tf.tidy(() => {
      let x = tf.gather(this.#p("embedding.weight"), tf.tensor1d(ids, "int32")) as tf.Tensor2D;
      const h: tf.Tensor2D[] = [], c: tf.Tensor2D[] = [];
      for (let l = 0; l < n_layer; l++) {
        const r = this.#layer(l, x, B, T, state.h[l]!, state.c[l]!);
        x = r.out;
        h.push(r.h);
        c.push(r.c);
      }
      // The top layer's final hidden state is the last position's output.
      const logits = linear(
        h[n_layer - 1]!,
        this.#p("head.weight") as tf.Tensor2D,
        this.#p("head.bias") as tf.Tensor1D,
      );
      return { logits, h, c };
    });
    return { logits: out.logits, cache: new CharLstmState(this, B, L + T, out.h, out.c) };
  }

  /** Mean cross-entropy (nats) of `targets` under the model. */
  loss(idx: Int32Array, targets: Int32Array, B: number, T: number, training = false): tf.Scalar {
    return tf.tidy(() => {
      const y = oneHot(tf.tensor1d(targets, "int32"), this.config.vocab_size);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(this.logits(idx, B, T, training)), y), -1))) as tf.Scalar;
    });
  }

  /** Releases the model's tensors. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
