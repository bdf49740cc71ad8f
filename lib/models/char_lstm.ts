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
import type { LanguageModel } from "./model.ts";
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
    const { n_hidden: H, n_layer, dropout, block_size, vocab_size } = this.config;
    if (T > block_size) {
      throw new RangeError(`Cannot run char-lstm: sequence length ${T} exceeds block_size ${block_size}`);
    }
    if (idx.length !== B * T) {
      throw new TypeError(`Cannot run char-lstm: expected ${B * T} token ids for [${B}, ${T}] (got ${idx.length})`);
    }
    const bad = idx.findIndex((id) => id < 0 || id >= vocab_size);
    if (bad >= 0) {
      throw new RangeError(`Cannot run char-lstm: token id ${idx[bad]} is outside the vocabulary (${vocab_size})`);
    }
    let x = tf.gather(this.#p("embedding.weight"), tf.tensor1d(idx, "int32")) as tf.Tensor2D; // [B*T, E]
    for (let l = 0; l < n_layer; l++) {
      // All time steps' input projections at once, then step through time.
      const xw = linear(x, this.#p(`lstm.${l}.weight_ih`) as tf.Tensor2D, this.#p(`lstm.${l}.bias`) as tf.Tensor1D);
      const steps = tf.unstack(tf.transpose(tf.reshape(xw, [B, T, 4 * H]), [1, 0, 2])) as tf.Tensor2D[];
      let h = tf.zeros([B, H]) as tf.Tensor2D, c = tf.zeros([B, H]) as tf.Tensor2D;
      const outs: tf.Tensor2D[] = [];
      for (const s of steps) {
        const gates = tf.add(s, matMul(h, this.#p(`lstm.${l}.weight_hh`) as tf.Tensor2D));
        const [i, f, g, o] = tf.split(gates, 4, 1);
        c = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), _fastTanh(g!))) as tf.Tensor2D;
        h = tf.mul(tf.sigmoid(o!), _fastTanh(c)) as tf.Tensor2D;
        outs.push(h);
      }
      x = tf.reshape(tf.transpose(tf.stack(outs), [1, 0, 2]), [B * T, H]) as tf.Tensor2D;
      if (training && dropout > 0 && l < n_layer - 1) {
        x = tf.dropout(x, dropout, undefined, this.#dropoutSeed++) as tf.Tensor2D;
      }
    }
    return linear(x, this.#p("head.weight") as tf.Tensor2D, this.#p("head.bias") as tf.Tensor1D);
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
