/**
 * A character-level LSTM language model: an embedding, `n_layer` LSTM layers
 * unrolled over the context, and a dense head. The input projections of all
 * time steps run as one matrix product; only the recurrent product runs per
 * step. `tanh` is computed as `2 sigmoid(2x) - 1` (the same function; much
 * faster on wasm).
 *
 * @module
 */
import { linear, matMul, namedVariable, oneHot, tf } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { LanguageModel } from "./model.ts";

/** The shape of a char-LSTM. */
export type CharLstmConfig = {
  vocab_size: number;
  /** Context length the trainer feeds (the LSTM itself takes any length up to it). */
  block_size: number;
  /** Embedding width. */
  n_embd: number;
  /** Hidden (and cell) width. */
  n_hidden: number;
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

function fastTanh(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** The char-LSTM language model. */
export class CharLstm implements LanguageModel {
  readonly family = "lstm";
  readonly config: CharLstmConfig;
  readonly params: Map<string, tf.Variable>;
  #dropoutSeed = 0;

  constructor(config: CharLstmConfig, weights: Map<string, Float32Array>) {
    for (const k of ["vocab_size", "block_size", "n_embd", "n_hidden", "n_layer"] as const) {
      if (!Number.isInteger(config[k]) || config[k] <= 0) {
        throw new RangeError(`Cannot build char-lstm: ${k} must be a positive integer (got ${config[k]})`);
      }
    }
    this.config = { ...config };
    this.params = new Map(
      charLstmShapes(config).map(([name, shape]) => [name, namedVariable(tf.tensor(weights.get(name)!, shape), name)]),
    );
  }

  /** PyTorch's LSTM init, U(-1/sqrt(H), 1/sqrt(H)), with the forget-gate bias at 1. */
  static create(config: CharLstmConfig, rng: Rng): CharLstm {
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

  countParams(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  setDropoutSeed(seed: number): void {
    this.#dropoutSeed = seed;
  }

  #p(name: string): tf.Variable {
    return this.params.get(name)!;
  }

  logits(idx: Int32Array, B: number, T: number, training = false): tf.Tensor2D {
    const { n_hidden: H, n_layer, dropout, block_size } = this.config;
    if (T > block_size) {
      throw new RangeError(`Cannot run char-lstm: sequence length ${T} exceeds block_size ${block_size}`);
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
        c = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), fastTanh(g!))) as tf.Tensor2D;
        h = tf.mul(tf.sigmoid(o!), fastTanh(c)) as tf.Tensor2D;
        outs.push(h);
      }
      x = tf.reshape(tf.transpose(tf.stack(outs), [1, 0, 2]), [B * T, H]) as tf.Tensor2D;
      if (training && dropout > 0 && l < n_layer - 1) {
        x = tf.dropout(x, dropout, undefined, this.#dropoutSeed++) as tf.Tensor2D;
      }
    }
    return linear(x, this.#p("head.weight") as tf.Tensor2D, this.#p("head.bias") as tf.Tensor1D);
  }

  loss(idx: Int32Array, targets: Int32Array, B: number, T: number, training = false): tf.Scalar {
    return tf.tidy(() => {
      const y = oneHot(tf.tensor1d(targets, "int32"), this.config.vocab_size);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(this.logits(idx, B, T, training)), y), -1))) as tf.Scalar;
    });
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
